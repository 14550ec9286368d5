package org.amavisd.policy.lookup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.amavisd.policy.conf.PerlValue;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The SQL lookup semantics against a real PostgreSQL server on loopback, started and stopped
 * through testenv/start-postgres.sh and stop-postgres.sh. System property amavisd.e2e: "required"
 * fails when the server binaries are missing, "auto" (the default) skips, "off" skips always.
 * Port: amavisd.pg.port (25432).
 */
class SqlLookupPostgresTest extends SqlLookupContract {
    private Path project;
    private Path state;
    private final int port = Integer.getInteger("amavisd.pg.port", 25432);

    @Override
    SqlDsn startDatabase() throws Exception {
        String mode = System.getProperty("amavisd.e2e", "auto");
        if (mode.isBlank()) mode = "auto";
        Assumptions.assumeFalse(mode.equals("off"), "end-to-end tests switched off (amavisd.e2e=off)");
        List<String> missing = new ArrayList<>();
        boolean found = false;
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (var dirs = Files.list(lib)) {
                found = dirs.anyMatch(d ->
                        Files.isExecutable(d.resolve("bin/initdb")) && Files.isExecutable(d.resolve("bin/pg_ctl")));
            }
        }
        if (!found) missing.add("/usr/lib/postgresql/*/bin/initdb and pg_ctl (Debian package postgresql)");
        if (!missing.isEmpty()) {
            String why = "PostgreSQL test needs " + String.join(", ", missing)
                    + "; testenv/ensure-packages.sh postgres (as root) installs it";
            if (mode.equals("required")) fail(why);
            Assumptions.abort(why);
        }
        project = projectDir();
        state = Files.createTempDirectory(Path.of("/tmp"), "amavisd-pg-");
        run("start-postgres.sh");
        return new SqlDsn("DBI:Pg:database=mail_prefs;host=127.0.0.1;port=" + port, "amavis", "");
    }

    @Override
    void stopDatabase() throws Exception {
        if (state != null) {
            run("stop-postgres.sh");
            deleteTree(state);
        }
    }

    private void run(String script) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                        "bash", project.resolve("testenv").resolve(script).toString(), state.toString())
                .redirectErrorStream(true);
        pb.environment().put("PG_PORT", Integer.toString(port));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) fail(script + " failed:\n" + out);
    }

    private static Path projectDir() {
        String p = System.getProperty("amavisd.projectDir");
        Path dir = p != null && !p.isBlank() ? Path.of(p) : Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("testenv/start-postgres.sh"))) dir = dir.getParent();
        if (dir == null)
            fail("cannot find testenv/start-postgres.sh above " + Path.of("").toAbsolutePath());
        return dir;
    }

    private static void deleteTree(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }

    @Test
    void realServerBindsIntegerRidAndReadsRealColumns() {
        assertThat(sql.field("spam_tag2_level", SqlFieldType.NUMERIC).lookup(key("joe@example.com")))
                .as("a real (float4) column reads as written")
                .contains(PerlValue.of("6.31"));
        assertThat(sql.wbList()
                        .check(key("joe@example.com"), key("friend@remote.test"))
                        .kind())
                .isEqualTo(SqlWbList.Kind.WHITELISTED);
    }
}
