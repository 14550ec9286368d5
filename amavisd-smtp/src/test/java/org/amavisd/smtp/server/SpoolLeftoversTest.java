package org.amavisd.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolLeftoversTest {
    @TempDir
    Path base;

    /** A process id above Linux's pid_max (4194304 at most): no such process can exist. */
    private static final long GONE = 99_999_999L;

    private Path spool(String name, int bytes) throws Exception {
        Path dir = Files.createDirectory(base.resolve(name));
        Files.write(dir.resolve(SpoolDirectory.MESSAGE_FILE), new byte[bytes]);
        return dir;
    }

    @Test
    void removesWhatADeadProcessLeftKeepsWhatWasPreservedAndWhatARunningProcessUses() throws Exception {
        Path partial = spool("amavis-20261203T101500-" + GONE + "-07-k3j9x2", 6000);
        Files.createDirectory(partial.resolve("parts"));
        Files.write(partial.resolve("parts/p001"), new byte[100]);
        Path preserved = spool("amavis-20261201T080000-" + GONE + "-02-aaaaaa", 1234);
        Files.writeString(preserved.resolve(SpoolDirectory.PRESERVED_MARK), "preserved\n");
        Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2)).minusSeconds(60);
        for (Path f :
                new Path[] {preserved.resolve(SpoolDirectory.MESSAGE_FILE), preserved.resolve("PRESERVED"), preserved})
            Files.setLastModifiedTime(f, FileTime.from(twoDaysAgo));
        Path ofInit = spool("amavis-20261203T101500-1-01-bbbbbb", 10); // pid 1 always runs
        Path notOurs = Files.createDirectory(base.resolve("amavis-notes"));
        Path file = Files.writeString(base.resolve("amavis-20261203T101500-" + GONE + "-09-file"), "x");

        SpoolLeftovers.Report r = SpoolLeftovers.sweep(base);

        assertThat(partial).doesNotExist();
        assertThat(r.removed()).singleElement().satisfies(l -> {
            assertThat(l.directory()).isEqualTo(partial);
            assertThat(l.bytes()).isEqualTo(6100);
        });
        assertThat(preserved.resolve(SpoolDirectory.MESSAGE_FILE)).exists();
        assertThat(r.preserved()).singleElement().satisfies(l -> {
            assertThat(l.directory()).isEqualTo(preserved);
            assertThat(l.bytes()).isEqualTo(1234 + "preserved\n".length());
            assertThat(l.age()).isGreaterThan(Duration.ofDays(2));
            assertThat(l.toString()).endsWith("(1244 bytes, 2 days old)");
        });
        assertThat(ofInit).exists();
        assertThat(r.running()).extracting(SpoolLeftovers.Leftover::directory).containsExactly(ofInit);
        assertThat(notOurs).exists();
        assertThat(file).exists();
    }

    @Test
    void aPreservedDirectoryIsMarkedSoTheNextStartKeepsIt() throws Exception {
        SpoolDirectory spool = SpoolDirectory.create(base, GONE + "-01");
        Files.writeString(spool.messageFile(), "Subject: x\r\n\r\nbody\r\n");
        spool.preserveOrDelete(true, new IllegalStateException("scanner broke"));
        assertThat(Files.readString(spool.directory().resolve(SpoolDirectory.PRESERVED_MARK)))
                .contains("scanner broke");
        SpoolDirectory other = SpoolDirectory.create(base, GONE + "-02");
        Files.writeString(other.messageFile(), "partial");

        SpoolLeftovers.Report r = SpoolLeftovers.sweep(base);

        assertThat(r.preserved()).extracting(SpoolLeftovers.Leftover::directory).containsExactly(spool.directory());
        assertThat(r.removed()).extracting(SpoolLeftovers.Leftover::directory).containsExactly(other.directory());
        assertThat(spool.messageFile()).exists();
    }

    @Test
    void agesReadAsASysadminWouldSayThem() {
        assertThat(SpoolLeftovers.age(Duration.ofSeconds(42))).isEqualTo("42 s");
        assertThat(SpoolLeftovers.age(Duration.ofMinutes(90))).isEqualTo("90 min");
        assertThat(SpoolLeftovers.age(Duration.ofHours(30))).isEqualTo("30 h");
        assertThat(SpoolLeftovers.age(Duration.ofDays(9))).isEqualTo("9 days");
    }
}
