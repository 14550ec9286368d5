package org.amavisd.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.amavisd.core.ccat.ContentCategory;
import org.amavisd.core.mail.MessageContext;
import org.amavisd.core.mail.Recipient;
import org.amavisd.core.pipeline.MessageProcessor;
import org.amavisd.core.smtp.SmtpReply;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.scanners.av.ScanTarget;
import org.amavisd.scanners.av.ScannerRun;
import org.amavisd.scanners.av.VirusScan;
import org.amavisd.scanners.av.VirusScanResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virus scanning, as amavisd-new does it: when @av_scanners (or the backups) name a scanner and
 * at least one recipient does not bypass virus checks, the decoded parts are scanned (the parts
 * directory for CONTSCAN-style entries, the original message and every part for INSTREAM and
 * command-line ones). A virus makes the message CC_VIRUS for every recipient who does not bypass
 * virus checks. When every scanner fails, the message is CC_UNCHECKED for those recipients (its
 * destiny then follows $final_unchecked_destiny), or, with $virus_scanners_failure_is_fatal,
 * tempfailed: {@code 451 4.5.0 Error in processing, id=..., virus_scan FAILED: ...}.
 */
final class VirusChecks implements MessageProcessor {
    private static final Logger log = LoggerFactory.getLogger(VirusChecks.class);

    private final PolicyBanks banks;
    private final VirusScan scan; // null: no scanner configured, virus checks are skipped
    private final MessageProcessor next;

    VirusChecks(PolicyBanks banks, VirusScan scan, MessageProcessor next) {
        this.banks = banks;
        this.scan = scan;
        this.next = next;
    }

    @Override
    public void process(MessageContext msg) throws Exception {
        if (scan != null) {
            PolicyBank bank = msg.attachment(PolicyBank.class).orElse(banks.base());
            List<Recipient> checked = new ArrayList<>();
            for (Recipient r : msg.recipients()) {
                if (r.isDone()) continue;
                if (!banks.chain(bank, "bypass_virus_checks_maps")
                        .isTrue(PolicyBanks.key(bank, r.address().address()))) checked.add(r);
            }
            String hold = msg.attachment(ContentChecks.Findings.class)
                    .map(ContentChecks.Findings::hold)
                    .orElse(null);
            if (hold != null && !checked.isEmpty()) {
                // as amavisd-new: a message whose decoding stopped at a limit (a bomb, perhaps) is
                // not given to the scanners; it is CC_UNCHECKED already
                log.info("NOTICE: Virus scanning skipped: {}", hold);
            } else if (!checked.isEmpty() && !scanAndFile(msg, bank, checked)) {
                return;
            }
        }
        next.process(msg);
    }

    /** Scans and files the result under the recipients' categories; false when the message was tempfailed. */
    private boolean scanAndFile(MessageContext msg, PolicyBank bank, List<Recipient> checked)
            throws InterruptedException, IOException {
        long t0 = System.nanoTime();
        VirusScanResult result = scan.scan(target(msg));
        Timing.of(msg).since("virus", t0);
        for (ScannerRun run : result.runs()) log.debug("virus scanner {}", run);
        if (result.failed()) {
            log.warn("virus_scan FAILED: {}", result.failure());
            if (bank.isTrue("virus_scanners_failure_is_fatal")) {
                SmtpReply tf = SmtpReply.of(
                        451,
                        "4.5.0",
                        "Error in processing, id=" + msg.logId() + ", virus_scan FAILED: AV: "
                                + oneLine(result.failure()));
                for (Recipient r : msg.recipients()) if (!r.isDone()) r.doneByFilter(tf);
                return false;
            }
            for (Recipient r : checked) r.contents().add(ContentCategory.UNCHECKED);
            return true;
        }
        String scanner = result.detectingScanners().isEmpty()
                ? result.runs().stream()
                        .filter(ScannerRun::done)
                        .map(ScannerRun::scanner)
                        .findFirst()
                        .orElse("")
                : result.detectingScanners().get(0);
        List<String> names = result.virusNames();
        if (result.infected() && isOnlySpam(bank, msg, names)) names = List.of();
        msg.attach(VirusFindings.class, new VirusFindings(names, scanner));
        if (!names.isEmpty()) {
            log.info("INFECTED ({}), found by {}", String.join(", ", result.virusNames()), scanner);
            for (Recipient r : checked) r.contents().add(ContentCategory.VIRUS);
        }
        return true;
    }

    /** Spam points that virus names stand for (@virus_name_to_spam_score_maps), for the spam check. */
    record SpamFromVirusNames(double score, String tests) {}

    /**
     * As amavisd-new: when every name a scanner reported maps to a spam score in
     * @virus_name_to_spam_score_maps (phishing and junk signatures), it is no infection but spam
     * points: the highest score, with the tests "AV:name=score".
     */
    private boolean isOnlySpam(PolicyBank bank, MessageContext msg, List<String> names) {
        var maps = banks.chain(bank, "virus_name_to_spam_score_maps");
        List<Double> hits = new ArrayList<>();
        for (String n : names) {
            var v = maps.lookup(new org.amavisd.policy.lookup.LookupKey(n, "", true))
                    .filter(PerlValue::isDefined);
            if (v.isEmpty()) return false;
            try {
                hits.add(Double.parseDouble(v.get().asString().trim()));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (hits.isEmpty()) return false;
        StringBuilder tests = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) tests.append(',');
            tests.append("AV:").append(names.get(i)).append('=').append(SpamFormat.number(hits.get(i)));
        }
        double max = hits.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        log.info("virus names are spam, not an infection: {}", tests);
        msg.attach(SpamFromVirusNames.class, new SpamFromVirusNames(max, tests.toString()));
        return true;
    }

    /** The parts directory ({} of CONTSCAN entries) and the files of INSTREAM ones: the message, then its parts. */
    private static ScanTarget target(MessageContext msg) throws IOException {
        Path parts = msg.tempDir().resolve("parts");
        Files.createDirectories(parts);
        List<Path> files = new ArrayList<>();
        files.add(msg.messageFile());
        try (Stream<Path> s = Files.list(parts)) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        return new ScanTarget(parts, files);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ").trim();
    }

    /** The scanners named by @av_scanners and @av_scanners_backup, or null when none is. */
    static VirusScan fromConf(org.amavisd.policy.conf.AmavisConf conf, boolean report)
            throws org.amavisd.policy.conf.ConfigException {
        var scanners = org.amavisd.scanners.av.AvScannerConfig.from(conf);
        if (report) scanners.warnings().forEach(w -> log.warn("@av_scanners: {}", w));
        if (scanners.isEmpty()) {
            if (report) log.info("no virus scanner configured (@av_scanners): virus checks are skipped");
            return null;
        }
        boolean firstStops =
                conf.get("$first_infected_stops_scan").map(PerlValue::isTrue).orElse(false);
        VirusScan.Options d = VirusScan.Options.defaults();
        return new VirusScan(
                scanners, new VirusScan.Options(d.connectTimeout(), d.readTimeout(), d.scannerTimeout(), firstStops));
    }
}
