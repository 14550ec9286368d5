package org.amavisd.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.ConfigException;
import org.amavisd.policy.conf.PerlValue;
import org.amavisd.policy.net.IpAcl;
import org.amavisd.quarantine.QuarantineMethod;
import org.amavisd.smtp.relay.ForwardMethod;
import org.amavisd.smtp.relay.SmtpRelayClient;
import org.amavisd.smtp.server.ServerConfig;

/**
 * The settings the daemon itself runs on, taken from a loaded amavisd.conf and checked: a value
 * that cannot work (a bad forward method, a port out of range) is a configuration error that
 * names where it was set, found before anything starts listening.
 */
public record DaemonSettings(
        String myhostname,
        List<ServerConfig.ListenAddress> listeners,
        int maxServers,
        IpAcl inetAcl,
        ForwardMethod forwardMethod,
        ForwardMethod notifyMethod,
        Path myHome,
        Path tempBase,
        Path pidFile,
        int logLevel,
        String logFile,
        boolean doSyslog,
        String syslogFacility,
        String syslogIdent,
        Duration smtpdTimeout,
        long messageSizeLimit,
        int recipientLimit,
        boolean preserveEvidence,
        SmtpRelayClient.Timeouts relayTimeouts) {

    /** amavisd-new never enforces a site-wide size limit below 64 KiB ($enforce_smtpd_message_size_limit_64kb_min). */
    static final long MIN_SIZE_LIMIT = 65536;

    static final int DEFAULT_PORT = 10024;

    public static DaemonSettings from(AmavisConf conf) throws ConfigException {
        String host = conf.scalar("$myhostname").orElse("localhost");
        List<ServerConfig.ListenAddress> listeners = new ArrayList<>();
        List<String> binds = conf.list("$inet_socket_bind");
        if (binds.isEmpty()) binds = List.of("*");
        List<String> ports = conf.list("$inet_socket_port");
        // amavisd-new listens nowhere when $inet_socket_port is undef; its sample amavisd.conf sets
        // 10024, and so do we when nothing is configured, so that the embedded defaults work.
        if (ports.isEmpty()) ports = List.of(Integer.toString(DEFAULT_PORT));
        for (String port : ports) {
            int p;
            try {
                p = Integer.parseInt(port.trim());
            } catch (NumberFormatException e) {
                throw ConfigErrors.at(conf, "$inet_socket_port", "not a port number: '" + port + "'");
            }
            if (p < 0 || p > 65535) throw ConfigErrors.at(conf, "$inet_socket_port", "port out of range: " + p);
            for (String b : binds) {
                String bind = b.startsWith("[") && b.endsWith("]") ? b.substring(1, b.length() - 1) : b;
                listeners.add(new ServerConfig.ListenAddress(bind.equals("*") ? null : bind, p));
            }
        }
        int maxServers = conf.integer("$max_servers");
        if (maxServers < 1) throw ConfigErrors.at(conf, "$max_servers", "must be at least 1");
        IpAcl acl;
        try {
            acl = IpAcl.parse(conf.list("@inet_acl"));
        } catch (IllegalArgumentException e) {
            throw ConfigErrors.at(conf, "@inet_acl", e.getMessage());
        }
        ForwardMethod forward;
        String fm = conf.scalar("$forward_method").orElse("");
        if (fm.isBlank())
            // amavisd-new then has nowhere to deliver and fails every message (milter and AM.PDP
            // setups, where the MTA delivers, do not exist here)
            throw ConfigErrors.at(
                    conf, "$forward_method", "undef or empty: nowhere to pass checked mail (set smtp:[host]:port)");
        try {
            forward = ForwardMethod.parse(fm);
        } catch (IllegalArgumentException e) {
            throw ConfigErrors.at(conf, "$forward_method", e.getMessage());
        }
        // undef or '': as amavisd-new, no notification or DSN can be sent (its default is the
        // default $forward_method, set before the configuration is read)
        ForwardMethod notify = null;
        String nm = conf.scalar("$notify_method").orElse("");
        if (!nm.isBlank()) {
            try {
                notify = ForwardMethod.parse(nm);
            } catch (IllegalArgumentException e) {
                throw ConfigErrors.at(conf, "$notify_method", e.getMessage());
            }
        }
        Path myHome = path(conf, "$MYHOME", "/var/amavis");
        Path tempBase = path(conf, "$TEMPBASE", myHome.toString());
        Path pidFile = path(conf, "$pid_file", myHome.resolve("amavisd.pid").toString());
        long sizeLimit = 0;
        if (conf.scalar("$smtpd_message_size_limit").isPresent()) {
            sizeLimit = conf.integer("$smtpd_message_size_limit");
            if (sizeLimit > 0 && sizeLimit < MIN_SIZE_LIMIT) sizeLimit = MIN_SIZE_LIMIT;
        }
        int timeout = conf.integer("$smtpd_timeout");
        if (timeout < 1) throw ConfigErrors.at(conf, "$smtpd_timeout", "must be a positive number of seconds");
        int rcptLimit = conf.integer("$smtpd_recipient_limit");
        if (rcptLimit < 1) throw ConfigErrors.at(conf, "$smtpd_recipient_limit", "must be at least 1");
        return new DaemonSettings(
                host,
                listeners,
                maxServers,
                acl,
                forward,
                notify,
                myHome,
                tempBase,
                pidFile,
                conf.integer("$log_level"),
                conf.scalar("$LOGFILE").filter(s -> !s.isEmpty()).orElse(null),
                truthy(conf, "$DO_SYSLOG"),
                conf.scalar("$syslog_facility").orElse("mail"),
                conf.scalar("$syslog_ident").orElse("amavis"),
                Duration.ofSeconds(timeout),
                sizeLimit,
                rcptLimit,
                truthy(conf, "$allow_preserving_evidence"),
                relayTimeouts(conf));
    }

    private static Path path(AmavisConf conf, String name, String deflt) throws ConfigException {
        String p = conf.scalar(name).orElse(deflt);
        try {
            return Path.of(p);
        } catch (java.nio.file.InvalidPathException e) {
            throw ConfigErrors.at(conf, name, "not a file name: " + e.getReason());
        }
    }

    /** The relay's timeouts, one per phase; our settings, with amavisd-new's built-in values as defaults. */
    static SmtpRelayClient.Timeouts relayTimeouts(AmavisConf conf) throws ConfigException {
        return new SmtpRelayClient.Timeouts(
                seconds(conf, "$smtp_connect_timeout"),
                seconds(conf, "$smtp_command_timeout"),
                seconds(conf, "$smtp_data_xfer_timeout"),
                seconds(conf, "$smtp_data_done_timeout"));
    }

    private static Duration seconds(AmavisConf conf, String name) throws ConfigException {
        int n = conf.integer(name);
        if (n < 1) throw ConfigErrors.at(conf, name, "must be a positive number of seconds");
        return Duration.ofSeconds(n);
    }

    private static final java.util.List<String> QUARANTINE_METHODS = java.util.List.of(
            "virus_quarantine_method",
            "spam_quarantine_method",
            "banned_files_quarantine_method",
            "bad_header_quarantine_method",
            "clean_quarantine_method",
            "unchecked_quarantine_method",
            "archive_quarantine_method");

    /**
     * A quarantine method this daemon cannot carry out (sql:, smtp:, bsmtp:, lmtp:, pipe:, an
     * unknown scheme) is refused when the configuration is loaded,
     * pointing at where it was set: taken per message it would tempfail every message it
     * applies to, for ever.
     */
    private static void checkQuarantineMethod(AmavisConf conf, String where, String name, String method)
            throws ConfigException {
        try {
            QuarantineMethod.parse(method);
        } catch (org.amavisd.quarantine.QuarantineException ex) {
            throw ConfigErrors.at(conf, where, (where.equals(name) ? "" : name + ": ") + ex.getMessage());
        }
    }

    /** A bank's $forward_method must be usable too: found at load time, not on the first message. */
    static void checkBanks(AmavisConf conf) throws ConfigException {
        var digest = conf.get("$mail_digest_algorithm");
        if (digest.isPresent() && digest.get().isDefined()) {
            try {
                org.amavisd.quarantine.BodyDigest.javaAlgorithm(digest.get().asString());
            } catch (IllegalArgumentException e) {
                throw ConfigErrors.at(conf, "$mail_digest_algorithm", e.getMessage());
            }
        }
        for (String q : QUARANTINE_METHODS) {
            var v = conf.get("$" + q);
            if (v.isPresent() && v.get().isDefined())
                checkQuarantineMethod(conf, "$" + q, "$" + q, v.get().asString());
        }
        PerlValue pb = conf.get("%policy_bank").orElse(new PerlValue.Undef());
        if (!(pb instanceof PerlValue.HashRef all)) return;
        for (var e : all.entries().entrySet()) {
            if (!(e.getValue() instanceof PerlValue.HashRef bank)) continue;
            for (String q : QUARANTINE_METHODS) {
                PerlValue v = bank.entries().get(q);
                if (v != null && v.isDefined())
                    checkQuarantineMethod(conf, "%policy_bank", "bank '" + e.getKey() + "': " + q, v.asString());
            }
            PerlValue fm = bank.entries().get("forward_method");
            if (fm == null || !fm.isDefined()) continue;
            try {
                ForwardMethod.parse(fm.asString());
            } catch (IllegalArgumentException ex) {
                throw ConfigErrors.at(
                        conf, "%policy_bank", "bank '" + e.getKey() + "': forward_method: " + ex.getMessage());
            }
        }
    }

    /** Perl truth: undef, "", "0" are false. */
    static boolean truthy(AmavisConf conf, String name) {
        String v = conf.scalar(name).orElse("");
        return !v.isEmpty() && !v.equals("0");
    }
}
