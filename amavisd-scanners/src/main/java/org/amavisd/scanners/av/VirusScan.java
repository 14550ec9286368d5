package org.amavisd.scanners.av;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Matcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the virus scanners on one message the way amavisd-new does: every primary scanner in turn
 * (all of them, so that any one can find a virus; with {@code firstInfectedStops} the first find
 * ends the scan); only when none of them did its job, the backup scanners in turn. A scanner that
 * fails (cannot connect, times out, answers something its entry does not recognise) leaves the
 * decision to the others. When no scanner did its job the result is FAILED, and the pipeline
 * tempfails the message. Thread-safe: one instance serves every worker.
 */
public final class VirusScan {
    private static final Logger LOG = LoggerFactory.getLogger(VirusScan.class);

    /**
     * Time limits and options.
     *
     * @param connectTimeout for each connect to a daemon (amavisd-new: 10 s)
     * @param readTimeout for each read from (and write to) a daemon
     * @param scannerTimeout for one scanner on one message: a program is killed after it
     * @param firstInfectedStops $first_infected_stops_scan
     */
    public record Options(
            Duration connectTimeout, Duration readTimeout, Duration scannerTimeout, boolean firstInfectedStops) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(10), Duration.ofSeconds(120), Duration.ofSeconds(300), false);
        }
    }

    private final List<AvScanner> primary;
    private final List<AvScanner> backup;
    private final Options options;

    public VirusScan(AvScannerConfig.Scanners scanners, Options options) {
        this(scanners.primary(), scanners.backup(), options);
    }

    public VirusScan(List<AvScanner> primary, List<AvScanner> backup, Options options) {
        this.primary = List.copyOf(primary);
        this.backup = List.copyOf(backup);
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /** Scans; scanner problems are a FAILED result, never an exception. */
    public VirusScanResult scan(ScanTarget target) throws InterruptedException {
        List<ScannerRun> runs = new ArrayList<>();
        if (primary.isEmpty() && backup.isEmpty()) return failed("NO VIRUS SCANNERS AVAILABLE", runs);
        boolean anyDone = tier(primary, false, target, runs);
        if (!anyDone && !backup.isEmpty()) {
            LOG.warn("all primary virus scanners failed, considering backups");
            anyDone = tier(backup, true, target, runs);
        }
        if (!anyDone) {
            StringBuilder why = new StringBuilder("ALL VIRUS SCANNERS FAILED");
            for (ScannerRun r : runs) {
                if (r.error() != null)
                    why.append("; ").append(r.scanner()).append(": ").append(r.error());
            }
            return failed(why.toString(), runs);
        }
        List<String> names = new ArrayList<>();
        List<String> detecting = new ArrayList<>();
        String output = null;
        for (ScannerRun r : runs) {
            if (r.status() == ScannerRun.Status.INFECTED) {
                detecting.add(r.scanner());
                if (names.isEmpty()) {
                    names.addAll(r.virusNames().isEmpty() ? List.of("") : r.virusNames());
                    output = r.output();
                }
            }
        }
        if (!detecting.isEmpty())
            return new VirusScanResult(VirusScanResult.Outcome.INFECTED, names, detecting, output, null, runs);
        String cleanOutput = runs.stream()
                .filter(ScannerRun::done)
                .map(ScannerRun::output)
                .findFirst()
                .orElse("");
        return new VirusScanResult(VirusScanResult.Outcome.CLEAN, List.of(), List.of(), cleanOutput, null, runs);
    }

    private static VirusScanResult failed(String why, List<ScannerRun> runs) {
        return new VirusScanResult(VirusScanResult.Outcome.FAILED, List.of(), List.of(), "", why, runs);
    }

    private boolean tier(List<AvScanner> scanners, boolean isBackup, ScanTarget target, List<ScannerRun> runs)
            throws InterruptedException {
        boolean anyDone = false;
        for (AvScanner s : scanners) {
            ScannerRun r = run(s, isBackup, target);
            runs.add(r);
            if (r.status() == ScannerRun.Status.FAILED) LOG.warn("{} av-scanner FAILED: {}", s.name(), r.error());
            anyDone |= r.done();
            if (r.status() == ScannerRun.Status.INFECTED && options.firstInfectedStops()) break;
        }
        return anyDone;
    }

    /** One scanner on one message. */
    public ScannerRun run(AvScanner s, boolean isBackup, ScanTarget target) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + options.scannerTimeout().toNanos();
        Verdict v = new Verdict(s);
        String error = null;
        if (!target.files().isEmpty()) { // nothing to scan is clean, as amavisd-new declares it
            try {
                switch (s.kind()) {
                    case COMMAND -> runCommand(s, target, deadline, v);
                    case DAEMON_SIMPLE -> runSimple(s, target, deadline, v);
                    case DAEMON_CLAMD -> runClamd(s, target, deadline, v);
                }
            } catch (IOException | ScanFailure e) {
                error = e.getMessage();
            }
        } else {
            v.clean = true;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        String output = shorten(v.output.toString(), target.directory());
        if (error != null) {
            return new ScannerRun(
                    s.name(),
                    isBackup,
                    ScannerRun.Status.FAILED,
                    List.of(),
                    output,
                    shorten(error, target.directory()),
                    elapsed);
        }
        ScannerRun.Status st = v.infected
                ? ScannerRun.Status.INFECTED
                : v.clean ? ScannerRun.Status.CLEAN : ScannerRun.Status.INCONCLUSIVE;
        List<String> names = v.infected ? List.copyOf(v.names) : List.of();
        return new ScannerRun(s.name(), isBackup, st, names, output, null, elapsed);
    }

    private void runCommand(AvScanner s, ScanTarget target, long deadline, Verdict v)
            throws IOException, ScanFailure, InterruptedException {
        String[] tokens = s.template().strip().split("\\s+");
        List<Path> files = target.files();
        int k = 0;
        do {
            List<String> cmd = new ArrayList<>();
            cmd.add(s.program().toString());
            int size = s.program().toString().length() + 1;
            boolean glob = false;
            for (String t : tokens) {
                if (t.isEmpty()) continue;
                if (t.equals("*") || t.equals("{}/*")) {
                    glob = true;
                } else {
                    String a = expandDir(t, target.directory());
                    cmd.add(a);
                    size += a.length() + 1;
                }
            }
            if (glob) { // as many files as fit in 4000 bytes of arguments, at least one
                List<String> chunk = new ArrayList<>();
                while (k < files.size()) {
                    String f = files.get(k).toString();
                    if (!chunk.isEmpty() && size + f.length() + 1 > 4000) break;
                    chunk.add(f);
                    size += f.length() + 1;
                    k++;
                }
                List<String> expanded = new ArrayList<>();
                expanded.add(cmd.get(0));
                int ci = 1;
                for (String t : tokens) {
                    if (t.isEmpty()) continue;
                    if (t.equals("*") || t.equals("{}/*")) expanded.addAll(chunk);
                    else expanded.add(cmd.get(ci++));
                }
                cmd = expanded;
            } else {
                k = files.size();
            }
            Duration left = remaining(deadline);
            CommandRunner.Result r = CommandRunner.run(cmd, left);
            if (!v.judge(r.exitStatus(), r.output())) return;
        } while (k < files.size());
    }

    private void runSimple(AvScanner s, ScanTarget target, long deadline, Verdict v) throws IOException, ScanFailure {
        ClamdClient client = client(s, deadline);
        String template = s.template();
        List<String> queries = new ArrayList<>();
        if (template.contains("*")) { // one query per file
            for (Path f : target.files()) {
                queries.add(template.replace("{}/*", f.toString())
                        .replace("*", f.toString())
                        .replace("{}", target.directory().toString()));
            }
        } else {
            queries.add(template.replace("{}", target.directory().toString()));
        }
        for (String q : queries) {
            remaining(deadline);
            if (!v.judge(0, client.query(q))) return;
        }
    }

    private void runClamd(AvScanner s, ScanTarget target, long deadline, Verdict v) throws IOException, ScanFailure {
        ClamdClient client = client(s, deadline);
        List<ClamdReply> replies = client.instreamAll(target.files(), options.firstInfectedStops());
        StringBuilder out = new StringBuilder();
        String oneOk = null;
        for (ClamdReply r : replies) {
            if (r.status() == ClamdReply.Status.OK) {
                if (oneOk == null) oneOk = r.line();
            } else {
                out.append(r.line()).append('\n');
            }
        }
        if (out.isEmpty() && oneOk != null) out.append(oneOk).append('\n');
        v.judge(0, out.toString());
    }

    /** A client whose every read also ends by the scanner's deadline. */
    private ClamdClient client(AvScanner s, long deadline) throws ScanFailure {
        Duration left = remaining(deadline);
        Duration read = left.compareTo(options.readTimeout()) < 0 ? left : options.readTimeout();
        return new ClamdClient(s.sockets(), options.connectTimeout(), read);
    }

    private static Duration remaining(long deadline) throws ScanFailure {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new ScanFailure("exceeded the time allowed for one scanner");
        return Duration.ofNanos(left);
    }

    private static String expandDir(String token, Path dir) {
        if (token.equals("{}")) return dir.toString();
        if (token.startsWith("{}/")) return dir + token.substring(2);
        return token;
    }

    private static String shorten(String text, Path dir) {
        return text.replace(dir.toString() + "/", "").replace(dir.toString(), ".");
    }

    /** The clean/infected/name fields applied to each answer, as amavisd-new's run_av does. */
    private static final class Verdict {
        final AvScanner s;
        final StringBuilder output = new StringBuilder();
        final LinkedHashSet<String> names = new LinkedHashSet<>();
        boolean infected;
        boolean clean;

        Verdict(AvScanner s) {
            this.s = s;
        }

        /** False when no more batches should be sent; a ScanFailure when the answer means the scanner failed. */
        boolean judge(int exit, String answer) throws ScanFailure {
            String text = answer.endsWith("\n") ? answer.substring(0, answer.length() - 1) : answer;
            if (s.infected().matches(exit, text)) {
                infected = true;
                if (s.virusNames() != null) {
                    Matcher m = s.virusNames().matcher(text);
                    while (m.find()) {
                        if (m.groupCount() == 0) names.add(m.group());
                        for (int g = 1; g <= m.groupCount(); g++) {
                            if (m.group(g) != null) names.add(m.group(g));
                        }
                    }
                }
                output.append(text).append('\n');
                return true;
            }
            if (s.clean() == null) return true; // clean but inconclusive
            if (s.clean().matches(exit, text)) {
                clean = true;
                if (output.isEmpty()) output.append(text).append('\n');
                return true;
            }
            // a virus found in an earlier batch stands (amavisd-new too); a clean one does not
            if (infected) return false;
            String shown = text.length() > 800 ? "..." + text.substring(text.length() - 800) : text;
            throw new ScanFailure("unexpected " + (s.kind() == AvScanner.Kind.COMMAND ? "exit " + exit + ", " : "")
                    + "output=\"" + shown + "\"");
        }
    }

    /** A scanner's answer that is neither clean nor infected, or no answer in time. */
    private static final class ScanFailure extends Exception {
        ScanFailure(String message) {
            super(message);
        }
    }
}
