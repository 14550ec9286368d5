package org.amavisd.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.amavisd.core.pipeline.MessageProcessor;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.ConfigException;
import org.amavisd.scanners.av.VirusScan;
import org.amavisd.scanners.decode.DecoderTable;
import org.amavisd.smtp.relay.SmtpRelayClient;
import org.amavisd.smtp.server.ServerConfig;
import org.amavisd.smtp.server.SessionSettings;
import org.amavisd.smtp.server.SmtpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running amavisd: configuration in, listening sockets and workers out. Reload swaps in a
 * new configuration for the next connections, or keeps the old one when the new one is bad.
 */
public final class Amavisd {
    private static final Logger log = LoggerFactory.getLogger(Amavisd.class);
    static final Duration STOP_GRACE = Duration.ofSeconds(60);

    private final ConfigSource source;
    private final UnaryOperator<DaemonSettings> overrides;
    private final boolean console;
    private volatile DaemonSettings settings;
    private volatile Loaded loaded;
    private SmtpServer server;

    /** One reading of the configuration: the raw values, the daemon's settings and the policy banks. */
    record Loaded(
            AmavisConf conf,
            DaemonSettings settings,
            PolicyBanks banks,
            VirusScan virusScan,
            java.util.List<org.amavisd.scanners.spam.SpamScanner> spamScanners,
            org.amavisd.dkim.DkimSigner dkimSigner,
            org.amavisd.dkim.DkimVerifier dkimVerifier,
            DecoderTable decoders) {}

    private Loaded load() throws ConfigException {
        long t0 = System.nanoTime();
        AmavisConf conf = source.load();
        log.debug("configuration read in {} ms", (System.nanoTime() - t0) / 1_000_000);
        return build(conf, overrides, true);
    }

    /**
     * Everything the daemon makes of a configuration, refused here when a value cannot work, as a
     * {@link ConfigException} at the place the value was written: never a stack trace, never a
     * failure left for the first message to find.
     *
     * @param report log the scanners' remarks (the daemon); false for a check (showconfig, the
     *     parent of start), which prints nothing but its error
     */
    static Loaded build(AmavisConf conf, UnaryOperator<DaemonSettings> overrides, boolean report)
            throws ConfigException {
        DaemonSettings s = overrides.apply(DaemonSettings.from(conf));
        PolicyBanks banks = PolicyBanks.from(conf);
        try {
            DaemonSettings.checkBanks(conf);
            var spam = org.amavisd.scanners.spam.SpamScanners.fromConfig(conf);
            if (report) {
                spam.warnings().forEach(w -> log.warn("@spam_scanners: {}", w));
                if (spam.scanners().isEmpty())
                    log.info("no spam scanner configured (@spam_scanners): spam checks are skipped");
            }
            VirusScan virus = VirusChecks.fromConf(conf, report);
            return new Loaded(
                    conf,
                    s,
                    banks,
                    virus,
                    spam.scanners(),
                    dkimSigner(conf, report),
                    DkimChecks.verifierFor(conf),
                    DecoderTable.fromConfig(conf));
        } catch (ConfigException | RuntimeException e) {
            banks.close();
            throw e;
        }
    }

    /** The whole configuration checked as the daemon would build it, nothing started, nothing kept. */
    static void check(AmavisConf conf) throws ConfigException {
        build(conf, UnaryOperator.identity(), false).banks().close();
    }

    private static void logWarnings(Loaded l) {
        // as amavisd-new's start-up lines "Found decoder for .cab at /usr/bin/cabextract", "No decoder for .lha"
        l.decoders().report().forEach(line -> log.info("{}", line));
        if (l.settings().notifyMethod() == null)
            log.warn(
                    "$notify_method is undef: no notification and no DSN is sent (a recipient whose mail would bounce is tempfailed instead)");
        l.conf().warnings().forEach(w -> log.warn("config: {}", w));
        l.banks().warnings().forEach(w -> log.warn("config: {}", w));
    }

    /** Where the configuration comes from: files and the command-line overrides, read again on reload. */
    public interface ConfigSource {
        AmavisConf load() throws ConfigException;
    }

    /** @param overrides the command line's -m, -d, -T, -P, applied over every (re)loaded configuration */
    public Amavisd(ConfigSource source, UnaryOperator<DaemonSettings> overrides, boolean console)
            throws ConfigException {
        this.source = source;
        this.overrides = overrides;
        this.console = console;
        this.loaded = load();
        this.settings = loaded.settings();
    }

    public DaemonSettings settings() {
        return settings;
    }

    public synchronized void start() throws IOException {
        LogSetup.apply(settings, console);
        logWarnings(loaded);
        probeSpamd(loaded);
        prepareDirectories(settings);
        org.amavisd.smtp.server.SpoolLeftovers.sweep(settings.tempBase());
        server = new SmtpServer(serverConfig(loaded));
        server.start();
        log.info(
                "amavisd (Java) starting: {} worker(s), forwarding to {}, temp files under {}",
                settings.maxServers(),
                settings.forwardMethod(),
                settings.tempBase());
    }

    /** Re-reads the configuration; returns a one-line result for the log and the caller. */
    public synchronized String reload() {
        Loaded next;
        try {
            next = load();
            prepareDirectories(next.settings());
            server.reconfigure(serverConfig(next));
        } catch (ConfigException | IOException | RuntimeException e) {
            String why = "reload failed, keeping the running configuration: " + e.getMessage();
            log.error(why);
            return why;
        }
        loaded = next;
        settings = next.settings();
        LogSetup.apply(settings, console);
        logWarnings(next);
        probeSpamd(next);
        log.info("configuration reloaded");
        return "configuration reloaded";
    }

    public List<Integer> ports() {
        return server.boundPorts();
    }

    public void stop() {
        log.info("stopping: no new connections, letting messages in progress finish");
        server.stop(STOP_GRACE);
        log.info("stopped");
    }

    /**
     * amavisd-new's in-process SpamAssassin is asked through spamd here: whether spamd answers is
     * found out once, so that a missing spamd is one warning at start, not one per message. Not
     * asked when spam checks are bypassed for every recipient.
     */
    private static void probeSpamd(Loaded l) {
        for (var s : l.spamScanners()) {
            if (!(s instanceof org.amavisd.scanners.spam.SpamAssassinViaSpamd sa)) continue;
            var base = l.banks().base();
            if (l.banks()
                    .chain(base, "bypass_spam_checks_maps")
                    .isTrue(PolicyBanks.key(base, "anybody@spamd-probe.invalid"))) {
                log.info("{}: spam checks are bypassed for everybody; spamd not asked", sa.name());
                continue;
            }
            sa.probe();
        }
    }

    static void prepareDirectories(DaemonSettings s) throws IOException {
        for (Path dir : new Path[] {s.myHome(), s.tempBase()}) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new IOException("cannot create directory " + dir + " ($MYHOME / $TEMPBASE): " + e, e);
            }
            if (!Files.isWritable(dir))
                throw new IOException("directory " + dir + " is not writable ($MYHOME / $TEMPBASE)");
        }
    }

    /**
     * The dkim_key(...) keys, read at start. A key file dkim_key could not open was refused when
     * the configuration was read; a key that cannot be used stops the start when signing is on
     * (as amavisd-new refuses to start), pointing at its dkim_key call, and is only a warning
     * when signing is off (amavisd-new does not look at the keys then).
     */
    private static org.amavisd.dkim.DkimSigner dkimSigner(AmavisConf conf, boolean report) throws ConfigException {
        if (conf.dkimKeys().isEmpty()) return null;
        boolean signing = conf.get("$enable_dkim_signing")
                .map(org.amavisd.policy.conf.PerlValue::isTrue)
                .orElse(false);
        for (org.amavisd.policy.conf.DkimKeyDecl d : conf.dkimKeys()) {
            try {
                org.amavisd.dkim.SigningKey.load(List.of(d));
            } catch (IOException | RuntimeException e) {
                String why = "dkim_key: cannot use the signing key " + d.keyFile() + ": " + oneLine(e);
                if (signing) throw new ConfigException(d.origin(), why);
                if (report) log.warn("{}: {}; signing is off anyway", d.origin(), why);
                return null;
            }
        }
        try {
            return new org.amavisd.dkim.DkimSigner(org.amavisd.dkim.SigningKey.load(conf.dkimKeys()));
        } catch (IOException | RuntimeException e) { // each key was read above: only a change of the files since
            throw new ConfigException(conf.dkimKeys().get(0).origin(), "dkim_key: " + oneLine(e));
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("[\\r\\n]+", " ").trim();
    }

    static ServerConfig serverConfig(Loaded l) {
        DaemonSettings s = l.settings();
        SmtpRelayClient relay = new SmtpRelayClient(s.myhostname(), s.relayTimeouts());
        DsnSender dsn = new DsnSender(s.myhostname(), s.notifyMethod(), relay);
        // the stages of one message, built from the last one back
        MessageProcessor relaying = new RelayingProcessor(
                s.myhostname(),
                s.forwardMethod(),
                relay,
                dsn,
                new AdminNotifier(l.banks(), s.myhostname(), s.notifyMethod(), relay),
                l.dkimSigner() == null ? null : new DkimSigning(l.banks(), l.dkimSigner()));
        MessageProcessor decisions = new Decisions(l.banks(), s.myhostname(), relaying);
        MessageProcessor spam = new SpamChecks(l.banks(), l.spamScanners(), decisions);
        MessageProcessor virus = new VirusChecks(l.banks(), l.virusScan(), spam);
        MessageProcessor checks =
                new ContentChecks(l.banks(), l.conf().get("%banned_rules").orElse(null), l.decoders(), virus);
        MessageProcessor dkim = new DkimChecks(l.banks(), l.dkimVerifier(), checks);
        MessageProcessor pipeline = new PolicyStage(l.banks(), dkim);
        SessionSettings session = new SessionSettings(
                s.myhostname(),
                s.messageSizeLimit(),
                s.recipientLimit(),
                s.smtpdTimeout(),
                s.tempBase(),
                s.preserveEvidence(),
                pipeline,
                new MessageLog());
        return new ServerConfig(s.listeners(), s.maxServers(), s.inetAcl(), session);
    }
}
