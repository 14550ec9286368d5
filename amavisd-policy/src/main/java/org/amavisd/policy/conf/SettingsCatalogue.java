package org.amavisd.policy.conf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.amavisd.policy.conf.Setting.Shape;

/**
 * The known amavisd-new settings with their defaults. Defaults are written as expressions of
 * the supported Perl subset so that dependent defaults ({@code $notify_method} follows
 * {@code $forward_method}) are evaluated exactly like config text. Entries are in dependency
 * order. Names without a mirrored default come from {@code known-settings.txt}, the list of
 * variables amavisd-new exports for its config files.
 */
public final class SettingsCatalogue {
    private static final String BEGIN = "amavisd-new built-in default (Amavis::Conf)";
    private static final String AFTER = "amavisd-new after-default, applied once config files are read";

    private static final SettingsCatalogue INSTANCE = new SettingsCatalogue();

    private final Map<String, Setting> settings = new LinkedHashMap<>();
    /** Legacy names that amavisd-new aliases to the current variables (they share storage). */
    private final Map<String, String> aliases = Map.of(
            "$DO_SYSLOG",
            "$do_syslog",
            "$LOGFILE",
            "$logfile",
            "%final_destiny_by_ccat",
            "%final_destiny_maps_by_ccat",
            "%defang_by_ccat",
            "%defang_maps_by_ccat",
            "$sql_partition_tag",
            "$partition_tag");

    public static SettingsCatalogue standard() {
        return INSTANCE;
    }

    private SettingsCatalogue() {
        general();
        logging();
        mtaInterface();
        policy();
        contentChecks();
        notifications();
        quarantine();
        spamControl();
        listsAndLovers();
        decoding();
        headers();
        sql();
        byContentsCategory();
        loadKnownNames();
    }

    private void def(String name, String expr, Shape shape, String description) {
        settings.put(name, new Setting(name, expr, false, true, shape, description, BEGIN));
    }

    private void after(String name, String expr, Shape shape, String description) {
        settings.put(name, new Setting(name, expr, true, true, shape, description, AFTER));
    }

    private void general() {
        def("$myproduct_name", "'amavis'", Shape.PLAIN, "product name used in headers and logs");
        def("$MYHOME", "'/var/amavis'", Shape.PLAIN, "home directory of the daemon");
        def(
                "$mydomain",
                "'!change-mydomain-variable!.example.com'",
                Shape.PLAIN,
                "convenience variable for config expressions; intentionally bad default");
        // computed in Java: amavisd-new takes the node name from uname(3)
        def("$myhostname", null, Shape.PLAIN, "fully qualified host name of this node");
        def("$daemon_user", null, Shape.PLAIN, "user to switch to after start");
        def("$daemon_group", null, Shape.PLAIN, "group to switch to after start (legacy)");
        def("$daemonize", "1", Shape.NUMBER, "detach from the terminal");
        def("$max_servers", "2", Shape.NUMBER, "number of pre-forked child processes");
        def("$max_requests", "20", Shape.NUMBER, "retire a child after that many accepts");
        def("$min_servers", null, Shape.NUMBER, "minimal number of children");
        def("$min_spare_servers", null, Shape.NUMBER, "minimal number of idle children");
        def("$max_spare_servers", null, Shape.NUMBER, "maximal number of idle children");
        def("$child_timeout", "8*60", Shape.NUMBER, "seconds a child may spend on one task");
        def("$allow_preserving_evidence", "1", Shape.NUMBER, "keep temp files of failed checks");
        def("$enable_db", null, Shape.NUMBER, "use the BerkeleyDB for nanny and cache");
        def("$enable_global_cache", null, Shape.NUMBER, "use the db-based cache when enable_db");
        def("$enable_zmq", null, Shape.NUMBER, "use ZeroMQ for nanny and SNMP");
        def("$nanny_details_level", "1", Shape.NUMBER, "nanny verbosity: 0, 1, 2");
        def("$lock_file", null, Shape.PLAIN, "lock file; undef lets the server pick a temp file");
        def("$daemon_chroot_dir", null, Shape.PLAIN, "chroot directory");
        def("$QUARANTINEDIR", null, Shape.PLAIN, "quarantine directory; undef disables local quarantine");
        def("$quarantine_subdir_levels", null, Shape.NUMBER, "quarantine directory hashing (0 or 1)");
        def("$mail_id_size_bits", "72", Shape.NUMBER, "size of generated mail ids in bits");
        def("$localpart_is_case_sensitive", "0", Shape.NUMBER, "compare local parts case-sensitively");
        def("$snmp_contact", "''", Shape.PLAIN, "SNMP sysContact value");
        def("$snmp_location", "''", Shape.PLAIN, "SNMP sysLocation value");
        def("$DEBUG", "0", Shape.NUMBER, "debugging: log to stderr instead of syslog or file");
        def("$courierfilter_shutdown", "0", Shape.NUMBER, "stop when the courierfilter pipe on stdin closes");
        def("$can_truncate", "1", Shape.NUMBER, "files may be truncated (faster SMTP input)");
        def("$database_sessions_persistent", "1", Shape.NUMBER, "keep SQL, LDAP and Redis sessions open when idle");
        def("$lookup_maps_imply_sql_and_ldap", "1", Shape.NUMBER, "SQL and LDAP lookups are prepended to lookup maps");
        def("$mail_digest_algorithm", "'MD5'", Shape.PLAIN, "digest of mail header and body (MD5, SHA-1, ...)");
        def("$mail_part_digest_algorithm", "'SHA1'", Shape.PLAIN, "digest of decoded MIME parts; undef disables");
        def("$storage_redis_ttl", "16*24*60*60", Shape.NUMBER, "seconds that pen-pals data lives in Redis");
        def("@storage_redis_dsn", null, Shape.ANY, "Redis servers for pen pals, IP reputation and logging");
        def("$redis_logging_key", null, Shape.PLAIN, "Redis list receiving JSON log events; undef disables");
        def("$redis_logging_queue_size_limit", null, Shape.NUMBER, "maximal length of that Redis list");
        def("@additional_perl_modules", null, Shape.ANY, "extra Perl modules to load (ignored here)");
        def("$path", null, Shape.PLAIN, "search path for external programs");
        after("$TEMPBASE", "$MYHOME", Shape.PLAIN, "directory for temporary work files");
        after("$helpers_home", "$MYHOME", Shape.PLAIN, "home directory for helper programs (SpamAssassin)");
        after("$db_home", "\"$MYHOME/db\"", Shape.PLAIN, "BerkeleyDB environment directory");
        after("$pid_file", "$daemonize ? \"$MYHOME/amavisd.pid\" : undef", Shape.PLAIN, "pid file when daemonized");
        after("@zmq_sockets", "(\"ipc://$MYHOME/amavisd-zmq.sock\")", Shape.ANY, "ZeroMQ sockets");
    }

    private void logging() {
        def("$log_level", "0", Shape.NUMBER, "log verbosity 0..5");
        def("$logfile", null, Shape.PLAIN, "log file when not logging to syslog");
        def("$do_syslog", null, Shape.NUMBER, "log via syslog");
        def("$syslog_ident", "'amavis'", Shape.PLAIN, "syslog ident");
        def("$syslog_facility", "'mail'", Shape.PLAIN, "syslog facility");
        // deprecated in amavisd-new 2.7, kept with their old values
        def("$syslog_priority", "'debug'", Shape.PLAIN, "syslog priority (deprecated)");
        def("$SYSLOG_LEVEL", "'mail.debug'", Shape.PLAIN, "syslog facility.priority (deprecated)");
        def("$enable_log_capture_dump", null, Shape.NUMBER, "dump captured log lines");
        def("@debug_sender_acl", null, Shape.ANY, "ACL of senders whose mail is logged at high verbosity");
        def("@debug_sender_maps", "(\\@debug_sender_acl)", Shape.ANY, "senders whose mail is logged at high verbosity");
        def("@debug_recipient_maps", null, Shape.ANY, "recipients whose mail is logged at high verbosity");
        def("$sa_debug", null, Shape.PLAIN, "SpamAssassin debug facilities");
        def("$logline_maxlen", "980", Shape.NUMBER, "split longer log lines");
    }

    private void mtaInterface() {
        def("$unix_socketname", null, Shape.PLAIN, "Unix socket for the helper protocol (AM.PDP)");
        def("$unix_socket_mode", null, Shape.NUMBER, "permissions of the Unix socket");
        def("$inet_socket_port", null, Shape.PLAIN_OR_LIST, "TCP port(s) to listen on");
        // amavisd-new binds to both loopbacks when IPv4 and IPv6 are available
        def("$inet_socket_bind", "['127.0.0.1', '[::1]']", Shape.PLAIN_OR_LIST, "addresses to bind to");
        def("@inet_acl", "qw(127.0.0.1 [::1])", Shape.ANY, "clients allowed to connect");
        def("@listen_sockets", null, Shape.ANY, "explicit listening sockets");
        def("$listen_queue_size", null, Shape.NUMBER, "listen(2) backlog");
        def("$protocol", null, Shape.PLAIN, "protocol on a socket: SMTP, LMTP, AM.PDP");
        def("$smtpd_timeout", "8*60", Shape.NUMBER, "idle timeout of an SMTP session");
        def("$smtpd_recipient_limit", "1100", Shape.NUMBER, "maximal number of RCPT TO per message");
        def("$smtpd_message_size_limit", null, Shape.NUMBER, "maximal message size, undef = unlimited");
        def(
                "$smtpd_greeting_banner",
                "'${helo-name} ${protocol} ${product} service ready'",
                Shape.PLAIN,
                "SMTP greeting template");
        def(
                "$smtpd_quit_banner",
                "'${helo-name} ${product} closing transmission channel'",
                Shape.PLAIN,
                "SMTP QUIT reply template");
        def("$localhost_name", "'localhost'", Shape.PLAIN, "our EHLO name as an SMTP client");
        def("$auth_required_release", "1", Shape.NUMBER, "a release requires the secret id");
        def("$smtp_connection_cache_on_demand", "1", Shape.NUMBER, "cache SMTP client connections on demand");
        def("$smtp_connection_cache_enable", "1", Shape.NUMBER, "cache SMTP client connections");
        // the relay's timeouts: amavisd-new has these values built in (Amavis::Out::SMTP), not as settings
        def("$smtp_connect_timeout", "35", Shape.NUMBER, "seconds to connect to the back-end MTA (not in amavisd-new)");
        def(
                "$smtp_command_timeout",
                "300",
                Shape.NUMBER,
                "seconds for the back end's greeting and each reply before DATA ends (not in amavisd-new)");
        def(
                "$smtp_data_xfer_timeout",
                "180",
                Shape.NUMBER,
                "seconds the back end may take no message data before the relay gives up (not in amavisd-new)");
        def(
                "$smtp_data_done_timeout",
                "600",
                Shape.NUMBER,
                "seconds to wait for the back end's reply after the final dot (not in amavisd-new)");
        def("$forward_method", "'smtp:[127.0.0.1]:10025'", Shape.PLAIN_OR_LIST, "where to pass checked mail");
        def("$notify_method", "$forward_method", Shape.PLAIN_OR_LIST, "where to send notifications");
        def("$resend_method", null, Shape.PLAIN_OR_LIST, "overrides forward_method on defanging");
        def("$release_method", null, Shape.PLAIN_OR_LIST, "overrides notify_method on release");
        def("$requeue_method", "'smtp:[127.0.0.1]:25'", Shape.PLAIN_OR_LIST, "where released mail is requeued");
        def("$release_format", "'resend'", Shape.PLAIN, "format of released mail");
        def("$soft_bounce", null, Shape.NUMBER, "turn permanent rejects into temporary ones");
        def("@message_size_limit_maps", null, Shape.ANY, "per-recipient message size limits");
        def(
                "$enforce_smtpd_message_size_limit_64kb_min",
                "1",
                Shape.NUMBER,
                "size limits below 64 KiB are raised to it");
        def("@smtpd_discard_ehlo_keywords", null, Shape.ANY, "EHLO keywords not announced by our SMTP server");
        def("$auth_required_inp", null, Shape.NUMBER, "clients must authenticate to our SMTP server");
        def("$auth_required_out", null, Shape.NUMBER, "we authenticate to the MTA");
        def("@auth_mech_avail", null, Shape.ANY, "SMTP AUTH mechanisms offered; empty disables AUTH");
        def("$amavis_auth_user", null, Shape.PLAIN, "SMTP AUTH user for notifications and quarantine");
        def("$amavis_auth_pass", null, Shape.PLAIN, "SMTP AUTH password for notifications and quarantine");
        def("$auth_reauthenticate_forwarded", null, Shape.NUMBER, "use our credentials for forwarded mail too");
        def("$tls_security_level_in", null, Shape.PLAIN, "TLS on our SMTP server: undef, may, encrypt");
        def("$tls_security_level_out", null, Shape.PLAIN, "TLS towards the MTA: undef, may, encrypt");
        def("$smtpd_tls_cert_file", null, Shape.PLAIN, "server certificate (deprecated, use SSL_cert_file)");
        def("$smtpd_tls_key_file", null, Shape.PLAIN, "server key (deprecated, use SSL_key_file)");
        def(
                "%smtpd_tls_server_options",
                "(SSL_verifycn_scheme => 'smtp', SSL_session_cache => 2)", Shape.ANY, "TLS options of our SMTP server");
        def("%smtp_tls_client_options", "(SSL_verifycn_scheme => 'smtp')", Shape.ANY, "TLS options towards the MTA");
        def("$local_client_bind_address", null, Shape.PLAIN, "source address of our SMTP client");
        def("$propagate_dsn_if_possible", "1", Shape.NUMBER, "pass DSN parameters on when the MTA supports DSN");
        def("$terminate_dsn_on_notify_success", "0", Shape.NUMBER, "handle NOTIFY=SUCCESS ourselves");
        def("$always_bcc", null, Shape.PLAIN, "address receiving a copy of every message");
        def("$macro_tests_sanity_limit", "50", Shape.NUMBER, "truncate the list of spam tests in macros");
        // deprecated in amavisd-new 2.7
        def("$insert_received_line", "1", Shape.NUMBER, "add a Received header field (deprecated)");
        def("$relayhost_is_client", null, Shape.NUMBER, "(deprecated)");
        def("$report_format", "'arf'", Shape.PLAIN, "format of spam reports");
    }

    private void policy() {
        def("%interface_policy", null, Shape.ANY, "maps a port or socket name to a policy bank name");
        def("%policy_bank", null, Shape.HASH_OF_HASHES, "named sets of setting overrides");
        def("$originating", "0", Shape.NUMBER, "mail comes from our own users");
        def(
                "@mynetworks",
                "qw(127.0.0.0/8 [::1] 169.254.0.0/16 [fe80::]/10 10.0.0.0/8 172.16.0.0/12"
                        + " 192.168.0.0/16 [fc00::]/7)",
                Shape.ANY,
                "networks considered internal");
        def("@mynetworks_maps", "(\\@mynetworks)", Shape.ANY, "lookup tables for internal networks");
        def("%local_domains", null, Shape.ANY, "hash lookup of local domains");
        def("@local_domains_acl", null, Shape.ANY, "ACL lookup of local domains");
        def("$local_domains_re", null, Shape.ANY, "regexp lookup of local domains");
        def(
                "@local_domains_maps",
                "(\\%local_domains, \\@local_domains_acl, \\$local_domains_re)",
                Shape.ANY,
                "lookup tables deciding which recipients are local");
        def("%bypass_virus_checks", null, Shape.ANY, "hash lookup of recipients bypassing virus checks");
        def("@bypass_virus_checks_acl", null, Shape.ANY, "ACL of recipients bypassing virus checks");
        def("$bypass_virus_checks_re", null, Shape.ANY, "regexp lookup bypassing virus checks");
        def(
                "@bypass_virus_checks_maps",
                "(\\%bypass_virus_checks, \\@bypass_virus_checks_acl, \\$bypass_virus_checks_re)",
                Shape.ANY,
                "recipients for whom virus checks are skipped");
        def("%bypass_spam_checks", null, Shape.ANY, "hash lookup of recipients bypassing spam checks");
        def("@bypass_spam_checks_acl", null, Shape.ANY, "ACL of recipients bypassing spam checks");
        def("$bypass_spam_checks_re", null, Shape.ANY, "regexp lookup bypassing spam checks");
        def(
                "@bypass_spam_checks_maps",
                "(\\%bypass_spam_checks, \\@bypass_spam_checks_acl, \\$bypass_spam_checks_re)",
                Shape.ANY,
                "recipients for whom spam checks are skipped");
        def("$recipient_delimiter", null, Shape.PLAIN, "address extension delimiter, e.g. '+'");
        def("$replace_existing_extension", "1", Shape.NUMBER, "replace an existing address extension, not append");
        def("$addr_extension_virus", null, Shape.PLAIN, "address extension for passed infected mail");
        def("$addr_extension_banned", null, Shape.PLAIN, "address extension for passed banned mail");
        def("$addr_extension_spam", null, Shape.PLAIN, "address extension for passed spam");
        def("$addr_extension_bad_header", null, Shape.PLAIN, "address extension for mail with bad headers");
        def(
                "@addr_extension_virus_maps",
                "(\\$addr_extension_virus)",
                Shape.ANY,
                "per-recipient extension for viruses");
        def(
                "@addr_extension_banned_maps",
                "(\\$addr_extension_banned)",
                Shape.ANY,
                "per-recipient extension for banned");
        def("@addr_extension_spam_maps", "(\\$addr_extension_spam)", Shape.ANY, "per-recipient extension for spam");
        def(
                "@addr_extension_bad_header_maps",
                "(\\$addr_extension_bad_header)",
                Shape.ANY,
                "per-recipient extension for bad headers");
        def(
                "$trim_trailing_space_in_lookup_result_fields",
                "0",
                Shape.NUMBER,
                "trim lookup results (pre-2.4 behaviour)");
        def("@ip_repu_ignore_networks", null, Shape.ANY, "networks exempt from IP reputation");
        def(
                "@ip_repu_ignore_maps",
                "(\\@ip_repu_ignore_networks)",
                Shape.ANY,
                "lookup tables exempt from IP reputation");
        def("$penpals_bonus_score", null, Shape.NUMBER, "maximal score bonus for known correspondents; undef disables");
        def("$penpals_halflife", "7*24*60*60", Shape.NUMBER, "seconds after which the pen-pals bonus halves");
        def("$penpals_threshold_low", "1.0", Shape.NUMBER, "no pen-pals lookup below this score");
        def("$penpals_threshold_high", null, Shape.NUMBER, "no pen-pals lookup when the bonus could not matter");
        def("@lookup_sql_dsn", null, Shape.ANY, "SQL lookup databases");
        def("@storage_sql_dsn", null, Shape.ANY, "SQL logging/quarantine databases");
    }

    private void contentChecks() {
        after("$X_HEADER_TAG", "'X-Virus-Scanned'", Shape.PLAIN, "name of the header field we add");
        after("$X_HEADER_LINE", "\"$myproduct_name at $mydomain\"", Shape.PLAIN, "body of that header field");
        def("$final_virus_destiny", "D_DISCARD", Shape.NUMBER, "what happens to infected mail");
        def("$final_banned_destiny", "D_DISCARD", Shape.NUMBER, "what happens to mail with banned parts");
        def("$final_unchecked_destiny", "D_PASS", Shape.NUMBER, "what happens to undecipherable mail");
        def("$final_spam_destiny", "D_PASS", Shape.NUMBER, "what happens to spam");
        def("$final_bad_header_destiny", "D_PASS", Shape.NUMBER, "what happens to mail with bad headers");
        def("$sa_tag_level_deflt", null, Shape.NUMBER, "add spam info headers at or above this score");
        def("$sa_tag2_level_deflt", null, Shape.NUMBER, "mark as spam at or above this score");
        def("$sa_tag3_level_deflt", null, Shape.NUMBER, "third spam level");
        def("$sa_kill_level_deflt", null, Shape.NUMBER, "spam evasive actions at or above this score");
        def("$sa_dsn_cutoff_level", null, Shape.NUMBER, "no DSN for spam at or above this score");
        def("$sa_spam_subject_tag", null, Shape.PLAIN, "subject prefix for spam");
        def("$sa_mail_body_size_limit", null, Shape.NUMBER, "skip SpamAssassin above this size");
        def("$sa_local_tests_only", "0", Shape.NUMBER, "only SpamAssassin tests without network");
        def(
                "$spamd_socket",
                null,
                Shape.PLAIN,
                "(amavisd Java only) spamd for the in-process SpamAssassin entry: host:port, [IPv6]:port or a"
                        + " Unix socket path; undef: 127.0.0.1:783, then [::1]:783");
        def("$undecipherable_subject_tag", "'***UNCHECKED*** '", Shape.PLAIN, "subject prefix for unchecked mail");
        def("$virus_admin", null, Shape.PLAIN_OR_LIST, "who is notified of viruses");
        def("$spam_admin", null, Shape.PLAIN_OR_LIST, "who is notified of spam");
        def("@av_scanners", null, Shape.ANY, "primary virus scanners");
        def("@av_scanners_backup", null, Shape.ANY, "virus scanners tried when the primary ones fail");
        def("$virus_quarantine_method", "'local:virus-%m'", Shape.PLAIN, "quarantine for infected mail");
        def("$spam_quarantine_method", "'local:spam-%m.gz'", Shape.PLAIN, "quarantine for spam");
        def("$banned_files_quarantine_method", "'local:banned-%m'", Shape.PLAIN, "quarantine for banned mail");
        def("$bad_header_quarantine_method", "'local:badh-%m'", Shape.PLAIN, "quarantine for bad headers");
        def("$clean_quarantine_method", null, Shape.PLAIN, "quarantine (archive) for clean mail");
        def("$banned_filename_re", null, Shape.ANY, "regexps of banned file names and types");
        def("$enable_dkim_verification", null, Shape.NUMBER, "verify DKIM signatures");
        def("$enable_dkim_signing", null, Shape.NUMBER, "sign outgoing mail with DKIM");
        def("$dkim_minimum_key_bits", "1024", Shape.NUMBER, "minimal acceptable DKIM key size");
        def(
                "$dkim_dns_resolver",
                null,
                Shape.PLAIN,
                "DNS server for DKIM key lookups, host or host:port (not in amavisd-new; empty: resolv.conf)");
        def("$dkim_dns_timeout", "10", Shape.NUMBER, "seconds one DKIM key lookup may take (not in amavisd-new)");
        def("$myauthservid", null, Shape.PLAIN, "authserv-id of Authentication-Results; empty means $myhostname");
        def("$dkim_signing_service", null, Shape.PLAIN, "external DKIM signing service");
        def("@dkim_signature_options_bysender_maps", null, Shape.ANY, "DKIM signature options by sender");
        def("$enable_ldap", null, Shape.NUMBER, "load the LDAP lookup support");
        def("@spam_modifies_subj_maps", null, Shape.ANY, "(deprecated)");
        def("$reputation_factor", "0.2", Shape.NUMBER, "weight of DKIM signer reputation");
        def("$enable_ip_repu", "1", Shape.NUMBER, "use IP reputation when redis is configured");
        def("$bounce_killer_score", "0", Shape.NUMBER, "score for bounces that we did not send");
        def("$sa_num_instances", "1", Shape.NUMBER, "number of SpamAssassin instances");
        def("$MIN_EXPANSION_FACTOR", "5", Shape.NUMBER, "minimal decoding quota as a multiple of mail size");
        def("$MAX_EXPANSION_FACTOR", "500", Shape.NUMBER, "maximal decoding quota as a multiple of mail size");
        def("$attachment_password", "''", Shape.ANY, "password of zipped attachments in reports");
        def("$attachment_email_name", "'msg-%m.eml'", Shape.PLAIN, "name of attached mail in reports");
        def("$attachment_outer_name", "'msg-%m.zip'", Shape.PLAIN, "name of the outer archive in reports");
    }

    /** Administrators, notification senders and warnings. */
    private void notifications() {
        def("$newvirus_admin", null, Shape.PLAIN, "who is told of a virus name not seen before");
        def("$banned_admin", null, Shape.PLAIN, "who is notified of banned contents");
        def("$bad_header_admin", null, Shape.PLAIN, "who is notified of bad headers");
        def("%virus_admin", null, Shape.ANY, "virus administrator by recipient (hash lookup)");
        def("%spam_admin", null, Shape.ANY, "spam administrator by recipient (hash lookup)");
        def("@newvirus_admin_maps", "(\\$newvirus_admin)", Shape.ANY, "lookup tables for $newvirus_admin");
        def("@virus_admin_maps", "(\\%virus_admin, \\$virus_admin)", Shape.ANY, "virus administrator by recipient");
        def(
                "@banned_admin_maps",
                "(\\$banned_admin, \\%virus_admin, \\$virus_admin)",
                Shape.ANY,
                "banned-contents administrator by recipient");
        def("@bad_header_admin_maps", "(\\$bad_header_admin)", Shape.ANY, "bad-header administrator by recipient");
        def("@spam_admin_maps", "(\\%spam_admin, \\$spam_admin)", Shape.ANY, "spam administrator by recipient");
        def("$dsn_bcc", null, Shape.PLAIN, "address receiving a copy of every DSN we send");
        def("$mailfrom_notify_admin", null, Shape.PLAIN, "envelope sender of admin notifications; undef = null sender");
        def("$mailfrom_notify_recip", null, Shape.PLAIN, "envelope sender of recipient notifications");
        def("$mailfrom_notify_spamadmin", null, Shape.PLAIN, "envelope sender of spam admin notifications");
        // ${myhostname_utf8} and ${myhostname_ascii} are expanded when a notification is made;
        // amavisd-new also converts an IDN address to ASCII, which changes nothing for ASCII addresses
        after(
                "$hdrfrom_notify_sender",
                "'\"Content-filter at ${myhostname_utf8}\" <postmaster@${myhostname_ascii}>'",
                Shape.PLAIN,
                "From of notifications to senders");
        after(
                "$hdrfrom_notify_recip",
                "$mailfrom_notify_recip eq '' ? $hdrfrom_notify_sender"
                        + " : '\"Content-filter at ${myhostname_utf8}\" <' . $mailfrom_notify_recip . '>'",
                Shape.PLAIN,
                "From of notifications to recipients");
        after(
                "$hdrfrom_notify_admin",
                "$mailfrom_notify_admin eq '' ? $hdrfrom_notify_sender"
                        + " : '\"Content-filter at ${myhostname_utf8}\" <' . $mailfrom_notify_admin . '>'",
                Shape.PLAIN,
                "From of notifications to administrators");
        after(
                "$hdrfrom_notify_spamadmin",
                "$mailfrom_notify_spamadmin eq '' ? $hdrfrom_notify_sender"
                        + " : '\"Content-filter at ${myhostname_utf8}\" <' . $mailfrom_notify_spamadmin . '>'",
                Shape.PLAIN,
                "From of notifications to spam administrators");
        after("$hdrfrom_notify_release", "$hdrfrom_notify_sender", Shape.PLAIN, "From of released mail");
        after("$hdrfrom_notify_report", "$hdrfrom_notify_sender", Shape.PLAIN, "From of spam reports");
        def("$warnbannedsender", null, Shape.NUMBER, "tell the sender of banned contents");
        def("$warnbadhsender", null, Shape.NUMBER, "tell the sender of bad headers");
        def("$warn_offsite", null, Shape.NUMBER, "also warn non-local recipients");
        def("$warnvirusrecip", null, Shape.NUMBER, "tell recipients of blocked infected mail");
        def("$warnbannedrecip", null, Shape.NUMBER, "tell recipients of blocked banned mail");
        def("$warnbadhrecip", null, Shape.NUMBER, "tell recipients of blocked mail with bad headers");
        def("@warnvirusrecip_maps", "(\\$warnvirusrecip)", Shape.ANY, "per-recipient $warnvirusrecip");
        def("@warnbannedrecip_maps", "(\\$warnbannedrecip)", Shape.ANY, "per-recipient $warnbannedrecip");
        def("@warnbadhrecip_maps", "(\\$warnbadhrecip)", Shape.ANY, "per-recipient $warnbadhrecip");
        // deprecated in amavisd-new 2.7
        def("$warnvirussender", null, Shape.NUMBER, "(deprecated)");
        def("$warnspamsender", null, Shape.NUMBER, "(deprecated)");
        def("$notify_xmailer_header", null, Shape.PLAIN, "(deprecated)");
        def("$hdr_encoding", "'UTF-8'", Shape.PLAIN, "charset of encoded header field bodies");
        def("$bdy_encoding", "'UTF-8'", Shape.PLAIN, "charset of notification bodies");
        def("$hdr_encoding_qb", "'Q'", Shape.PLAIN, "header encoding: Q (quoted-printable) or B (base64)");
    }

    private void quarantine() {
        def("$unchecked_quarantine_method", null, Shape.PLAIN, "quarantine for undecipherable mail");
        def("$archive_quarantine_method", null, Shape.PLAIN, "archive of all mail");
        def("$virus_quarantine_to", "'virus-quarantine'", Shape.PLAIN, "quarantine mailbox for infected mail");
        def("$banned_quarantine_to", "'banned-quarantine'", Shape.PLAIN, "quarantine mailbox for banned mail");
        def("$unchecked_quarantine_to", "'unchecked-quarantine'", Shape.PLAIN, "quarantine mailbox for unchecked mail");
        def("$spam_quarantine_to", "'spam-quarantine'", Shape.PLAIN, "quarantine mailbox for spam");
        def("$bad_header_quarantine_to", "'bad-header-quarantine'", Shape.PLAIN, "quarantine mailbox for bad headers");
        def("$clean_quarantine_to", "'clean-quarantine'", Shape.PLAIN, "quarantine mailbox for clean mail");
        def("$archive_quarantine_to", "'archive-quarantine'", Shape.PLAIN, "archive mailbox");
        def("$spam_quarantine_bysender_to", null, Shape.PLAIN, "spam quarantine chosen by sender");
        def("@virus_quarantine_to_maps", "(\\$virus_quarantine_to)", Shape.ANY, "per-recipient virus quarantine");
        def("@banned_quarantine_to_maps", "(\\$banned_quarantine_to)", Shape.ANY, "per-recipient banned quarantine");
        def(
                "@unchecked_quarantine_to_maps",
                "(\\$unchecked_quarantine_to)",
                Shape.ANY,
                "per-recipient unchecked quarantine");
        def("@spam_quarantine_to_maps", "(\\$spam_quarantine_to)", Shape.ANY, "per-recipient spam quarantine");
        def(
                "@spam_quarantine_bysender_to_maps",
                "(\\$spam_quarantine_bysender_to)",
                Shape.ANY,
                "per-sender spam quarantine");
        def(
                "@bad_header_quarantine_to_maps",
                "(\\$bad_header_quarantine_to)",
                Shape.ANY,
                "per-recipient bad-header quarantine");
        def("@clean_quarantine_to_maps", "(\\$clean_quarantine_to)", Shape.ANY, "per-recipient clean quarantine");
        def("@archive_quarantine_to_maps", "(\\$archive_quarantine_to)", Shape.ANY, "per-recipient archive");
        def(
                "$mailfrom_to_quarantine",
                null,
                Shape.PLAIN,
                "envelope sender of quarantined mail; undef keeps the original");
    }

    private void spamControl() {
        def("@spam_scanners", "(['SpamAssassin', 'Amavis::SpamControl::SpamAssassin'])", Shape.ANY, "spam scanners");
        def("$sa_spawned", "0", Shape.NUMBER, "run SpamAssassin in a subprocess");
        def("$sa_timeout", "30", Shape.NUMBER, "no longer used (deprecated)");
        def("$sa_configpath", null, Shape.PLAIN, "SpamAssassin rules directory");
        def("$sa_siteconfigpath", null, Shape.PLAIN, "SpamAssassin site rules directory");
        def("$sa_userprefs_file", null, Shape.PLAIN, "SpamAssassin user preferences file");
        def("@sa_userconf_maps", null, Shape.ANY, "per-recipient SpamAssassin configuration");
        def("@sa_username_maps", null, Shape.ANY, "per-recipient SpamAssassin user name");
        def("$dspam", null, Shape.ANY, "path to dspam");
        def("$sa_spam_level_char", "'*'", Shape.PLAIN, "character of the X-Spam-Level bar; empty disables it");
        def("$sa_crediblefrom_dsn_cutoff_level", null, Shape.NUMBER, "DSN cutoff for credible senders");
        def("$sa_quarantine_cutoff_level", null, Shape.NUMBER, "no spam quarantine at or above this score");
        def("@spam_tag_level_maps", "(\\$sa_tag_level_deflt)", Shape.ANY, "per-recipient tag level");
        def("@spam_tag2_level_maps", "(\\$sa_tag2_level_deflt)", Shape.ANY, "per-recipient tag2 (spammy) level");
        def("@spam_tag3_level_maps", "(\\$sa_tag3_level_deflt)", Shape.ANY, "per-recipient tag3 level");
        def("@spam_kill_level_maps", "(\\$sa_kill_level_deflt)", Shape.ANY, "per-recipient kill (spam) level");
        def("@spam_dsn_cutoff_level_maps", "(\\$sa_dsn_cutoff_level)", Shape.ANY, "per-recipient DSN cutoff");
        def("@spam_dsn_cutoff_level_bysender_maps", "(\\$sa_dsn_cutoff_level)", Shape.ANY, "per-sender DSN cutoff");
        def(
                "@spam_crediblefrom_dsn_cutoff_level_maps",
                "(\\$sa_crediblefrom_dsn_cutoff_level)",
                Shape.ANY,
                "per-recipient DSN cutoff for credible senders");
        def(
                "@spam_crediblefrom_dsn_cutoff_level_bysender_maps",
                "(\\$sa_crediblefrom_dsn_cutoff_level)",
                Shape.ANY,
                "per-sender DSN cutoff for credible senders");
        def(
                "@spam_quarantine_cutoff_level_maps",
                "(\\$sa_quarantine_cutoff_level)",
                Shape.ANY,
                "per-recipient quarantine cutoff");
        def("@spam_notifyadmin_cutoff_level_maps", null, Shape.ANY, "per-recipient admin notification cutoff");
        // deprecated in amavisd-new 2.7
        def("$sa_spam_modifies_subj", "1", Shape.NUMBER, "(deprecated)");
        def("$sa_spam_report_header", null, Shape.NUMBER, "(deprecated)");
        def("$sa_auto_whitelist", null, Shape.NUMBER, "(deprecated)");
    }

    /** Bypass, lovers, white- and blacklists: a hash, an ACL and a regexp table behind each @*_maps. */
    private void listsAndLovers() {
        for (String n : new String[] {
            "bypass_banned_checks",
            "bypass_header_checks",
            "virus_lovers",
            "spam_lovers",
            "banned_files_lovers",
            "bad_header_lovers",
            "whitelist_sender",
            "blacklist_sender"
        }) {
            String what = n.replace('_', ' ');
            def("%" + n, null, Shape.ANY, what + " (hash lookup)");
            def("@" + n + "_acl", null, Shape.ANY, what + " (ACL lookup)");
            def("$" + n + "_re", null, Shape.ANY, what + " (regexp lookup)");
            def(
                    "@" + n + "_maps",
                    "(\\%" + n + ", \\@" + n + "_acl, \\$" + n + "_re)",
                    Shape.ANY,
                    what + ": lookup tables");
        }
        def("@unchecked_lovers_maps", null, Shape.ANY, "recipients who accept undecipherable mail");
        def("@score_sender_maps", null, Shape.ANY, "score adjustments by sender");
        def("@author_to_policy_bank_maps", null, Shape.ANY, "policy banks by DKIM-verified author");
        def("@signer_reputation_maps", null, Shape.ANY, "reputation scores of DKIM signers");
        def("@virus_name_to_policy_bank_maps", null, Shape.ANY, "policy banks by virus name");
        def("$viruses_that_fake_sender_re", null, Shape.ANY, "virus names known to fake the sender");
        def(
                "@viruses_that_fake_sender_maps",
                "(\\$viruses_that_fake_sender_re, 1)",
                Shape.ANY,
                "no DSN for these virus names");
        // amavisd-new's default: names that ClamAV's third-party signatures give to spam and phishing
        def(
                "@virus_name_to_spam_score_maps",
                "(new_RE("
                        + "[ qr'^Structured\\.(SSN|CreditCardNumber)\\b' => 0.1 ], "
                        + "[ qr'^(Heuristics\\.)?Phishing\\.' => 0.1 ], "
                        + "[ qr'^(Email|HTML)\\.Phishing\\.(?!.*Sanesecurity)' => 0.1 ], "
                        + "[ qr'^Sanesecurity\\.(Malware|Rogue|Trojan)\\.' => undef ], "
                        + "[ qr'^Sanesecurity\\.Foxhole\\.Zip_exe' => 0.1 ], "
                        + "[ qr'^Sanesecurity\\.Foxhole\\.Zip_bat' => 0.1 ], "
                        + "[ qr'^Sanesecurity\\.Foxhole\\.Mail_gz' => 0.1 ], "
                        + "[ qr'^Sanesecurity\\.Foxhole\\.Mail_ace' => 0.1 ], "
                        + "[ qr'^Sanesecurity\\.Foxhole\\.Mail_tar' => 0 ], "
                        + "[ qr'^Sanesecurity\\.Foxhole\\.' => undef ], "
                        + "[ qr'^Sanesecurity\\.' => 0.1 ], "
                        + "[ qr'^Sanesecurity_PhishBar_' => 0 ], "
                        + "[ qr'^Sanesecurity.TestSig_' => 0 ], "
                        + "[ qr'^Email\\.Spam\\.Bounce(\\.[^., ]*)*\\.Sanesecurity\\.' => 0 ], "
                        + "[ qr'^Email\\.Spammail\\b' => 0.1 ], "
                        + "[ qr'^MSRBL-(Images|SPAM)\\b' => 0.1 ], "
                        + "[ qr'^VX\\.Honeypot-SecuriteInfo\\.com\\.Joke' => 0.1 ], "
                        + "[ qr'^VX\\.not-virus_(Hoax|Joke)\\..*-SecuriteInfo\\.com(\\.|\\z)' => 0.1 ], "
                        + "[ qr'^Email\\.Spam.*-SecuriteInfo\\.com(\\.|\\z)' => 0.1 ], "
                        + "[ qr'^Safebrowsing\\.' => 0.1 ], "
                        + "[ qr'^winnow\\.(phish|spam)\\.' => 0.1 ], "
                        + "[ qr'^INetMsg\\.SpamDomain' => 0.1 ], "
                        + "[ qr'^Doppelstern\\.(Spam|Scam|Phishing|Junk|Lott|Loan)' => 0.1 ], "
                        + "[ qr'^Bofhland\\.Phishing' => 0.1 ], "
                        + "[ qr'^ScamNailer\\.' => 0.1 ], "
                        + "[ qr'^HTML/Bankish' => 0.1 ], "
                        + "[ qr'^PORCUPINE_JUNK' => 0.1 ], "
                        + "[ qr'^PORCUPINE_PHISHING' => 0.1 ], "
                        + "[ qr'^Porcupine\\.Junk' => 0.1 ], "
                        + "[ qr'^PhishTank\\.Phishing\\.' => 0.1 ], "
                        + "[ qr'-SecuriteInfo\\.com(\\.|\\z)' => undef ], "
                        + "[ qr'^MBL_NA\\.UNOFFICIAL' => 0.1 ], "
                        + "[ qr'^MBL_' => undef ]"
                        + "))",
                Shape.ANY,
                "virus names that are spam: their score, instead of an infection");
    }

    private void decoding() {
        def("$MAXLEVELS", null, Shape.NUMBER, "maximal nesting of decoded parts; undef = unlimited");
        def("$MAXFILES", null, Shape.NUMBER, "maximal number of decoded parts; undef = unlimited");
        def("$MIN_EXPANSION_QUOTA", null, Shape.NUMBER, "minimal decoding quota in bytes; undef = not enforced");
        def("$MAX_EXPANSION_QUOTA", null, Shape.NUMBER, "maximal decoding quota in bytes; undef = not enforced");
        def("$bypass_decode_parts", null, Shape.NUMBER, "do not decode parts");
        def("$keep_decoded_original_re", null, Shape.ANY, "types whose original is scanned besides the decoded parts");
        def(
                "@keep_decoded_original_maps",
                "(\\$keep_decoded_original_re)",
                Shape.ANY,
                "lookup tables for keeping decoded originals");
        def("$file", "'file'", Shape.ANY, "the file(1) utility");
        // amavisd-new leaves these undef (its sample amavisd.conf and Debian's 01-debian name the
        // programs); ours default to those names, so that a configuration which does not mention
        // them decodes as the sample does. Set one to undef (or '') and its decoder is off.
        String[][] programs = {
            {"gzip", "'gzip'"},
            {"bzip2", "'bzip2'"},
            {"lzop", "'lzop'"},
            {"rpm2cpio", "['rpm2cpio.pl', 'rpm2cpio']"},
            {"uncompress", "['uncompress', 'gzip -d', 'zcat']"},
            {"unfreeze", null},
            {"arc", "['nomarch', 'arc']"},
            {"unarj", "['arj', 'unarj']"},
            {"unrar", "['rar', 'unrar-free', 'unrar']"},
            {"zoo", "'zoo'"},
            {"lha", "['lha', 'lhasa']"},
            {"pax", "'pax'"},
            {"cpio", "'cpio'"},
            {"cabextract", "'cabextract'"},
            {"ar", "'ar'"},
            {"ripole", "'ripole'"},
            {"tnef", null},
            {"unstuff", null}
        };
        for (String[] p : programs) {
            def("$" + p[0], p[1], Shape.ANY, p[0] + " program or list of alternatives (used by @decoders; undef: off)");
        }
        after("$gunzip", "$gzip ne '' ? \"$gzip -d\" : undef", Shape.ANY, "gunzip command, from $gzip");
        after("$bunzip2", "$bzip2 ne '' ? \"$bzip2 -d\" : undef", Shape.ANY, "bunzip2 command, from $bzip2");
        after("$unlzop", "$lzop ne '' ? \"$lzop -d\" : undef", Shape.ANY, "unlzop command, from $lzop");
        String u = "\\&Amavis::Unpackers::do_";
        def(
                "@decoders",
                "("
                        + "['mail', " + u + "mime_decode],"
                        + "['F', " + u + "uncompress, \\$unfreeze],"
                        + "['Z', " + u + "uncompress, \\$uncompress],"
                        + "['gz', " + u + "uncompress, \\$gunzip],"
                        + "['gz', " + u + "gunzip],"
                        + "['bz2', " + u + "uncompress, \\$bunzip2],"
                        + "['xz', " + u + "uncompress, ['xzdec', 'xz -dc', 'unxz -c', 'xzcat']],"
                        + "['lzma', " + u + "uncompress,"
                        + " ['lzmadec', 'xz -dc --format=lzma', 'lzma -dc', 'unlzma -c', 'lzcat', 'lzmadec']],"
                        + "['lrz', " + u + "uncompress, ['lrzip -q -k -d -o -', 'lrzcat -q -k']],"
                        + "['lzo', " + u + "uncompress, \\$unlzop],"
                        + "['lz4', " + u + "uncompress, ['lz4c -d']],"
                        + "['rpm', " + u + "uncompress, \\$rpm2cpio],"
                        + "[['cpio', 'tar'], " + u + "pax_cpio, \\$pax],"
                        + "['deb', " + u + "ar, \\$ar],"
                        + "['a', " + u + "ar, \\$ar]," // not in amavisd-new's list ("overkill"); ours unpacks .a
                        + "['rar', " + u + "unrar, \\$unrar],"
                        + "['arj', " + u + "unarj, \\$unarj],"
                        + "['arc', " + u + "arc, \\$arc],"
                        + "['zoo', " + u + "zoo, \\$zoo],"
                        + "['doc', " + u + "ole, \\$ripole],"
                        + "['cab', " + u + "cabextract, \\$cabextract],"
                        + "['tnef', " + u + "tnef_ext, \\$tnef],"
                        + "['tnef', " + u + "tnef],"
                        + "['lha', " + u + "lha, \\$lha]," // amavisd-new: 7z only; ours runs lha in a sandbox
                        + "[['zip', 'kmz'], " + u + "7zip, ['7za', '7zz', '7z']],"
                        + "[['zip', 'kmz'], " + u + "unzip],"
                        + "['7z', " + u + "7zip, ['7zr', '7za', '7zz', '7z']],"
                        + "[[qw(gz bz2 Z tar)], " + u + "7zip, ['7za', '7zz', '7z']],"
                        + "[[qw(xz lzma jar cpio arj rar swf lha iso cab deb rpm)], " + u + "7zip, ['7zz', '7z']],"
                        + "['exe', " + u + "executable, \\$unrar, \\$lha, \\$unarj],"
                        + "['zst', " + u + "uncompress, ['unzstd']])",
                Shape.ANY,
                "decoders by short file type, first match wins");
        def("@banned_filename_maps", "('DEFAULT')", Shape.ANY, "names of %banned_rules entries to apply per recipient");
        def("$banned_namepath_re", null, Shape.ANY, "regexp on the path of part types and names");
        after("%banned_rules", "('DEFAULT' => $banned_filename_re)", Shape.ANY, "banned-contents tables by name");
        def("$first_infected_stops_scan", null, Shape.NUMBER, "stop at the first scanner that finds a virus");
        def("$virus_scanners_failure_is_fatal", null, Shape.NUMBER, "fail (tempfail) when all scanners fail");
        def(
                "$spam_scanners_failure_is_fatal",
                null,
                Shape.NUMBER,
                "(amavisd Java only) tempfail when a spam scanner fails, instead of passing without its score");
    }

    private void headers() {
        def("$prepend_header_fields_hdridx", "0", Shape.NUMBER, "where added header fields go (1 with DKIM milters)");
        def("$remove_existing_x_scanned_headers", "0", Shape.NUMBER, "remove existing X-Virus-Scanned fields");
        def("$remove_existing_spam_headers", "1", Shape.NUMBER, "remove existing X-Spam-* fields");
        def(
                "@remove_existing_spam_headers_maps",
                "(\\$remove_existing_spam_headers)",
                Shape.ANY,
                "per-recipient $remove_existing_spam_headers");
        def("$allow_fixing_improper_header", "1", Shape.NUMBER, "fix improper header sections of passed mail");
        def("$allow_fixing_improper_header_folding", "1", Shape.NUMBER, "drop all-whitespace folded lines");
        def("$allow_fixing_long_header_lines", "1", Shape.NUMBER, "truncate header lines over 998 characters");
        def("$sa_spam_subject_tag1", null, Shape.PLAIN, "subject prefix at tag level");
        def(
                "@spam_subject_tag_maps",
                "(\\$sa_spam_subject_tag1)",
                Shape.ANY,
                "per-recipient subject prefix at tag level");
        def(
                "@spam_subject_tag2_maps",
                "(\\$sa_spam_subject_tag)",
                Shape.ANY,
                "per-recipient subject prefix at tag2 level");
        def("@spam_subject_tag3_maps", null, Shape.ANY, "per-recipient subject prefix at tag3 level");
        for (String n : new String[] {"virus", "banned", "spam", "bad_header", "undecipherable"}) {
            def("$defang_" + n, null, Shape.PLAIN, "defang " + n.replace('_', ' ') + " mail (wrap the original)");
        }
        def("$defang_all", null, Shape.PLAIN, "defang all mail (testing)");
        def("$allow_disclaimers", null, Shape.NUMBER, "add disclaimers to outgoing mail");
        def("$outbound_disclaimers_only", null, Shape.NUMBER, "disclaimers only on mail leaving the site");
        def("$enable_anomy_sanitizer", null, Shape.NUMBER, "run the Anomy sanitizer");
        def("@anomy_sanitizer_args", null, Shape.ANY, "Anomy sanitizer configuration");
        def("$altermime", "'altermime'", Shape.ANY, "the altermime program");
        def("@altermime_args_defang", "qw(--verbose --removeall)", Shape.ANY, "altermime arguments for defanging");
        def(
                "@altermime_args_disclaimer",
                "qw(--disclaimer=/etc/altermime-disclaimer.txt)",
                Shape.ANY,
                "altermime arguments for disclaimers");
        def("@disclaimer_options_bysender_maps", null, Shape.ANY, "disclaimer options by sender");
        def(
                "%allowed_header_tests",
                "(other => 1, mime => 1, syntax => 1, empty => 1, long => 1, control => 1,"
                        + " '8bit' => 1, utf8 => 0, missing => 1, multiple => 1)",
                Shape.ANY,
                "which header checks are performed (CC_BADH minor categories)");
        def(
                "%allowed_added_header_fields",
                "("
                        + ones("received dkim-signature authentication-results vbr-info"
                                + " x-quarantine-id x-amavis-alert x-amavis-hold x-amavis-modified x-amavis-penpals"
                                + " x-amavis-os-fingerprint x-amavis-policybank x-spam-status x-spam-level x-spam-flag x-spam-score"
                                + " x-spam-tests x-crm114-status x-crm114-cacheid x-crm114-notice x-crm114-action x-dspam-result"
                                + " x-dspam-class x-dspam-signature x-dspam-processed x-dspam-confidence x-dspam-probability"
                                + " x-dspam-user x-dspam-factors x-bogosity")
                        + ", 'x-spam-report' => 0, 'x-spam-checker-version' => 0,"
                        + " 'x-amavis-category' => 0)",
                Shape.ANY,
                "header fields we may add (1) or not (0), by lower-case name");
        def(
                "%prefer_our_added_header_fields",
                "("
                        + ones("x-spam-status x-spam-level x-spam-flag x-spam-score"
                                + " x-spam-report x-spam-checker-version x-crm114-status x-crm114-cacheid x-dspam-result"
                                + " x-dspam-signature")
                        + ")",
                Shape.ANY,
                "header fields where our version replaces a spam scanner's");
        def(
                "%signed_header_fields",
                "("
                        + ones("reply-to message-id in-reply-to references mime-version"
                                + " content-transfer-encoding content-id content-description resent-date resent-from resent-sender"
                                + " resent-message-id list-id list-post list-owner list-subscribe list-unsubscribe list-help list-archive"
                                + " received precedence original-message-id message-context pics-label sensitivity solicitation"
                                + " content-location content-features content-disposition content-language content-alternative"
                                + " content-base content-md5 content-duration content-class accept-language auto-submitted archived-at"
                                + " vbr-info organization organisation user-agent x-mailer")
                        + ", sender => 0, to => 0, cc => 0,"
                        + " 'resent-to' => 0, 'resent-cc' => 0, from => 2, date => 2, subject => 2, 'content-type' => 2)",
                Shape.ANY,
                "header fields covered by our DKIM signatures (2: also a null instance)");
    }

    /** "a b" as the hash list "'a' => 1, 'b' => 1". */
    private static String ones(String words) {
        StringJoiner j = new StringJoiner(", ");
        for (String w : words.trim().split("\\s+")) {
            j.add("'" + w + "' => 1");
        }
        return j.toString();
    }

    private void sql() {
        def("$sql_lookups_no_at_means_domain", "0", Shape.NUMBER, "an SQL key without '@' is a domain");
        def("$ldap_lookups_no_at_means_domain", "0", Shape.NUMBER, "an LDAP key without '@' is a domain");
        def("$sql_quarantine_chunksize_max", "16384", Shape.NUMBER, "chunk size of mail in the SQL quarantine");
        def("$sql_allow_8bit_address", "0", Shape.NUMBER, "store 8-bit addresses (binary columns)");
        def("$sql_store_info_for_all_msgs", "1", Shape.NUMBER, "log all mail to SQL, not only bad mail");
        def("$partition_tag", null, Shape.ANY, "partition_tag value of SQL records");
        def(
                "$sql_select_policy",
                "'SELECT users.*, policy.*, users.id FROM users LEFT JOIN policy"
                        + " ON users.policy_id=policy.id WHERE users.email IN (%k) ORDER BY users.priority DESC'",
                Shape.PLAIN,
                "SQL query for per-recipient policy");
        def(
                "$sql_select_white_black_list",
                "'SELECT wb FROM wblist JOIN mailaddr ON wblist.sid=mailaddr.id"
                        + " WHERE wblist.rid=? AND mailaddr.email IN (%k) ORDER BY mailaddr.priority DESC'",
                Shape.PLAIN,
                "SQL query for per-recipient white and black lists");
        def(
                "%sql_clause",
                "("
                        + "sel_policy => \\$sql_select_policy,"
                        + "sel_wblist => \\$sql_select_white_black_list,"
                        + "sel_adr => 'SELECT id FROM maddr WHERE partition_tag=? AND email=?',"
                        + "ins_adr => 'INSERT INTO maddr (partition_tag, email, domain) VALUES (?,?,?)',"
                        + "ins_msg => 'INSERT INTO msgs (partition_tag, mail_id, secret_id, am_id, time_num, time_iso, sid,"
                        + " policy, client_addr, size, host) VALUES (?,?,?,?,?,?,?,?,?,?,?)',"
                        + "upd_msg => 'UPDATE msgs SET content=?, quar_type=?, quar_loc=?, dsn_sent=?, spam_level=?,"
                        + " message_id=?, from_addr=?, subject=?, client_addr=?, originating=?"
                        + " WHERE partition_tag=? AND mail_id=?',"
                        + "ins_rcp => 'INSERT INTO msgrcpt (partition_tag, mail_id, rseqnum, rid, is_local, content, ds, rs,"
                        + " bl, wl, bspam_level, smtp_resp) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',"
                        + "ins_quar => 'INSERT INTO quarantine (partition_tag, mail_id, chunk_ind, mail_text) VALUES (?,?,?,?)',"
                        + "sel_msg => 'SELECT partition_tag FROM msgs WHERE mail_id=?',"
                        + "sel_quar => 'SELECT mail_text FROM quarantine WHERE partition_tag=? AND mail_id=? ORDER BY chunk_ind',"
                        + "sel_penpals => \"SELECT msgs.time_num, msgs.mail_id, subject FROM msgs JOIN msgrcpt"
                        + " USING (partition_tag,mail_id) WHERE sid=? AND rid=? AND msgs.content!='V' AND ds='P'"
                        + " ORDER BY msgs.time_num DESC\","
                        + "sel_penpals_msgid => \"SELECT msgs.time_num, msgs.mail_id, subject, message_id, rid FROM msgs"
                        + " JOIN msgrcpt USING (partition_tag,mail_id) WHERE sid=? AND msgs.content!='V' AND ds='P'"
                        + " AND message_id IN (%m) AND rid!=sid ORDER BY rid=? DESC, msgs.time_num DESC\")",
                Shape.ANY,
                "SQL statements by purpose");
    }

    /**
     * The per-contents-category settings. Keys are ccat strings ("9", "2,1"); most values are small
     * subs that read another setting of the current policy bank, which {@link ByCcat} resolves.
     */
    private void byContentsCategory() {
        def(
                "%ccat_display_names",
                "(CC_CATCHALL, 'CatchAll', CC_CLEAN, 'Clean', CC_CLEAN.',1', 'CleanTag',"
                        + " CC_MTA, 'MtaFailed', CC_MTA.',1', 'MtaTempFailed', CC_MTA.',2', 'MtaRejected',"
                        + " CC_OVERSIZED, 'Oversized', CC_BADH, 'BadHdr', CC_BADH.',1', 'BadHdrMime', CC_BADH.',2', 'BadHdr8bit',"
                        + " CC_BADH.',3', 'BadHdrChar', CC_BADH.',4', 'BadHdrSpace', CC_BADH.',5', 'BadHdrLong',"
                        + " CC_BADH.',6', 'BadHdrSyntax', CC_BADH.',7', 'BadHdrMissing', CC_BADH.',8', 'BadHdrDupl',"
                        + " CC_SPAMMY, 'Spammy', CC_SPAMMY.',1', 'Spammy3', CC_SPAM, 'Spam', CC_UNCHECKED, 'Unchecked',"
                        + " CC_UNCHECKED.',1', 'UncheckedEncrypted', CC_UNCHECKED.',2', 'UncheckedOverLimits',"
                        + " CC_UNCHECKED.',3', 'UncheckedAmbiguousContent', CC_BANNED, 'Banned', CC_VIRUS, 'Virus')",
                Shape.ANY,
                "names of contents categories for logs and SNMP");
        def(
                "%ccat_display_names_major",
                "(CC_CATCHALL, 'CatchAll', CC_CLEAN, 'Clean', CC_MTA, 'MtaFailed',"
                        + " CC_OVERSIZED, 'Oversized', CC_BADH, 'BadHdr', CC_SPAMMY, 'Spammy', CC_SPAM, 'Spam',"
                        + " CC_UNCHECKED, 'Unchecked', CC_BANNED, 'Banned', CC_VIRUS, 'Virus')",
                Shape.ANY,
                "names of major contents categories");
        def(
                "%final_destiny_maps_by_ccat",
                "(CC_VIRUS, sub { c('final_virus_destiny') },"
                        + " CC_BANNED, sub { c('final_banned_destiny') }, CC_UNCHECKED, sub { c('final_unchecked_destiny') },"
                        + " CC_SPAM, sub { c('final_spam_destiny') }, CC_BADH, sub { c('final_bad_header_destiny') },"
                        + " CC_MTA.',1', D_TEMPFAIL, CC_MTA.',2', D_REJECT, CC_MTA, D_TEMPFAIL, CC_OVERSIZED, D_BOUNCE,"
                        + " CC_CATCHALL, D_PASS)",
                Shape.ANY,
                "what happens to mail of each contents category");
        def(
                "%forward_method_maps_by_ccat",
                "(CC_CATCHALL, sub { ca('forward_method_maps') })",
                Shape.ANY,
                "forwarding method by contents category");
        def(
                "%smtp_reason_by_ccat",
                "(CC_VIRUS, 'id=%n - INFECTED: %V', CC_BANNED, 'id=%n - BANNED: %F',"
                        + " CC_UNCHECKED.',1', 'id=%n - UNCHECKED: encrypted', CC_UNCHECKED.',2', 'id=%n - UNCHECKED: over limits',"
                        + " CC_UNCHECKED.',3', 'id=%n - UNCHECKED: ambiguous content', CC_UNCHECKED, 'id=%n - UNCHECKED',"
                        + " CC_SPAM, 'id=%n - spam', CC_SPAMMY.',1', 'id=%n - spammy (tag3)', CC_SPAMMY, 'id=%n - spammy',"
                        + " CC_BADH.',1', 'id=%n - BAD HEADER: MIME error',"
                        + " CC_BADH.',2', 'id=%n - BAD HEADER: nonencoded 8-bit character',"
                        + " CC_BADH.',3', 'id=%n - BAD HEADER: contains invalid control character',"
                        + " CC_BADH.',4', 'id=%n - BAD HEADER: line made up entirely of whitespace',"
                        + " CC_BADH.',5', 'id=%n - BAD HEADER: line longer than RFC 5322 limit',"
                        + " CC_BADH.',6', 'id=%n - BAD HEADER: syntax error',"
                        + " CC_BADH.',7', 'id=%n - BAD HEADER: missing required header field',"
                        + " CC_BADH.',8', 'id=%n - BAD HEADER: duplicate header field', CC_BADH, 'id=%n - BAD HEADER',"
                        + " CC_OVERSIZED, 'id=%n - Message size exceeds recipient\\'s size limit',"
                        + " CC_MTA.',1', 'id=%n - Temporary MTA failure on relaying',"
                        + " CC_MTA.',2', 'id=%n - Rejected by next-hop MTA on relaying',"
                        + " CC_MTA, 'id=%n - Unable to relay message back to MTA', CC_CLEAN, 'id=%n - CLEAN',"
                        + " CC_CATCHALL, 'id=%n - OTHER')",
                Shape.ANY,
                "SMTP reply text for blocked mail");
        def(
                "%lovers_maps_by_ccat",
                "(CC_VIRUS, sub { ca('virus_lovers_maps') },"
                        + " CC_BANNED, sub { ca('banned_files_lovers_maps') }, CC_UNCHECKED, sub { ca('unchecked_lovers_maps') },"
                        + " CC_SPAM, sub { ca('spam_lovers_maps') }, CC_SPAMMY, sub { ca('spam_lovers_maps') },"
                        + " CC_BADH, sub { ca('bad_header_lovers_maps') })",
                Shape.ANY,
                "recipients who want mail of a category passed");
        def(
                "%defang_maps_by_ccat",
                "(CC_VIRUS, sub { c('defang_virus') }, CC_BANNED, sub { c('defang_banned') },"
                        + " CC_UNCHECKED, sub { c('defang_undecipherable') }, CC_SPAM, sub { c('defang_spam') },"
                        + " CC_SPAMMY, sub { c('defang_spam') }, CC_BADH, sub { c('defang_bad_header') })",
                Shape.ANY,
                "defanging by contents category");
        def(
                "%subject_tag_maps_by_ccat",
                "(CC_VIRUS, ['***INFECTED*** '], CC_BANNED, undef,"
                        + " CC_UNCHECKED, sub { [ c('undecipherable_subject_tag') ] }, CC_SPAM, undef,"
                        + " CC_SPAMMY.',1', sub { ca('spam_subject_tag3_maps') }, CC_SPAMMY, sub { ca('spam_subject_tag2_maps') },"
                        + " CC_CLEAN.',1', sub { ca('spam_subject_tag_maps') })",
                Shape.ANY,
                "subject prefix by contents category");
        def(
                "%quarantine_method_by_ccat",
                "(CC_VIRUS, sub { c('virus_quarantine_method') },"
                        + " CC_BANNED, sub { c('banned_files_quarantine_method') },"
                        + " CC_UNCHECKED, sub { c('unchecked_quarantine_method') }, CC_SPAM, sub { c('spam_quarantine_method') },"
                        + " CC_BADH, sub { c('bad_header_quarantine_method') }, CC_CLEAN, sub { c('clean_quarantine_method') })",
                Shape.ANY,
                "quarantine method by contents category");
        def(
                "%quarantine_to_maps_by_ccat",
                "(CC_VIRUS, sub { ca('virus_quarantine_to_maps') },"
                        + " CC_BANNED, sub { ca('banned_quarantine_to_maps') },"
                        + " CC_UNCHECKED, sub { ca('unchecked_quarantine_to_maps') }, CC_SPAM, sub { ca('spam_quarantine_to_maps') },"
                        + " CC_BADH, sub { ca('bad_header_quarantine_to_maps') }, CC_CLEAN, sub { ca('clean_quarantine_to_maps') })",
                Shape.ANY,
                "quarantine mailbox by contents category");
        def(
                "%admin_maps_by_ccat",
                "(CC_VIRUS, sub { ca('virus_admin_maps') }, CC_BANNED, sub { ca('banned_admin_maps') },"
                        + " CC_UNCHECKED, sub { ca('virus_admin_maps') }, CC_SPAM, sub { ca('spam_admin_maps') },"
                        + " CC_BADH, sub { ca('bad_header_admin_maps') })",
                Shape.ANY,
                "administrators by contents category");
        def("%always_bcc_by_ccat", "(CC_CATCHALL, sub { c('always_bcc') })", Shape.ANY, "blind copy by category");
        def("%dsn_bcc_by_ccat", "(CC_CATCHALL, sub { c('dsn_bcc') })", Shape.ANY, "blind copy of DSNs by category");
        def(
                "%mailfrom_notify_admin_by_ccat",
                "(CC_SPAM, sub { c('mailfrom_notify_spamadmin') },"
                        + " CC_CATCHALL, sub { c('mailfrom_notify_admin') })",
                Shape.ANY,
                "sender of admin notifications");
        def(
                "%hdrfrom_notify_admin_by_ccat",
                "(CC_SPAM, sub { c('hdrfrom_notify_spamadmin') }," + " CC_CATCHALL, sub { c('hdrfrom_notify_admin') })",
                Shape.ANY,
                "From of admin notifications");
        def(
                "%mailfrom_notify_recip_by_ccat",
                "(CC_CATCHALL, sub { c('mailfrom_notify_recip') })", Shape.ANY, "sender of recipient notifications");
        for (String n : new String[] {"recip", "sender", "release", "report"}) {
            def(
                    "%hdrfrom_notify_" + n + "_by_ccat",
                    "(CC_CATCHALL, sub { c('hdrfrom_notify_" + n + "') })",
                    Shape.ANY,
                    "From of " + n + " notifications by category");
        }
        def(
                "%notify_admin_templ_by_ccat",
                "(CC_SPAM, sub { cr('notify_spam_admin_templ') },"
                        + " CC_CATCHALL, sub { cr('notify_virus_admin_templ') })",
                Shape.ANY,
                "admin notification template");
        def(
                "%notify_recips_templ_by_ccat",
                "(CC_SPAM, sub { cr('notify_spam_recips_templ') },"
                        + " CC_CATCHALL, sub { cr('notify_virus_recips_templ') })",
                Shape.ANY,
                "recipient notification template");
        def(
                "%notify_sender_templ_by_ccat",
                "(CC_VIRUS, sub { cr('notify_virus_sender_templ') },"
                        + " CC_BANNED, sub { cr('notify_virus_sender_templ') }, CC_SPAM, sub { cr('notify_spam_sender_templ') },"
                        + " CC_CATCHALL, sub { cr('notify_sender_templ') })",
                Shape.ANY,
                "DSN (bounce) template");
        for (String n : new String[] {"release", "report", "autoresp"}) {
            def(
                    "%notify_" + n + "_templ_by_ccat",
                    "(CC_CATCHALL, sub { cr('notify_" + n + "_templ') })",
                    Shape.ANY,
                    n + " template by category");
        }
        def(
                "%warnsender_by_ccat",
                "(CC_VIRUS, undef, CC_BANNED, sub { c('warnbannedsender') }, CC_SPAM, undef,"
                        + " CC_BADH, sub { c('warnbadhsender') })",
                Shape.ANY,
                "warn the sender, by category (deprecated)");
        def(
                "%warnrecip_maps_by_ccat",
                "(CC_VIRUS, sub { ca('warnvirusrecip_maps') },"
                        + " CC_BANNED, sub { ca('warnbannedrecip_maps') }, CC_SPAM, undef,"
                        + " CC_BADH, sub { ca('warnbadhrecip_maps') })",
                Shape.ANY,
                "warn recipients, by category");
        def(
                "%addr_extension_maps_by_ccat",
                "(CC_VIRUS, sub { ca('addr_extension_virus_maps') },"
                        + " CC_BANNED, sub { ca('addr_extension_banned_maps') }, CC_SPAM, sub { ca('addr_extension_spam_maps') },"
                        + " CC_SPAMMY, sub { ca('addr_extension_spam_maps') }, CC_BADH, sub { ca('addr_extension_bad_header_maps') })",
                Shape.ANY,
                "address extension by category");
        def("%addr_rewrite_maps_by_ccat", null, Shape.ANY, "address rewriting by category");
    }

    /**
     * Whether {@code use strict} lets a config file use this name without declaring it: the
     * variables amavisd-new declares in package Amavis::Conf, where its config files are
     * compiled, and the settings of this catalogue (ours included, e.g. $smtp_connect_timeout).
     * Not the other names of known-settings.txt, some of which are only local names of its code.
     */
    public boolean isPredeclared(String nameWithSigil) {
        String k = canonical(nameWithSigil);
        return AMAVIS_CONF_VARS.contains(nameWithSigil)
                || AMAVIS_CONF_VARS.contains(k)
                || settings.containsKey(k) && !knownOnly.contains(k);
    }

    private static final java.util.Set<String> AMAVIS_CONF_VARS = readNames("amavis-conf-vars.txt");

    private final java.util.Set<String> knownOnly = new java.util.HashSet<>();

    private static java.util.Set<String> readNames(String resource) {
        try (InputStream in = SettingsCatalogue.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " missing from the classpath");
            }
            java.util.Set<String> out = new java.util.HashSet<>();
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .lines()
                    .map(String::trim)
                    .filter(n -> !n.isEmpty() && !n.startsWith("#"))
                    .forEach(out::add);
            return java.util.Set.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything else amavisd-new accepts in a config file is at least a known name. */
    private void loadKnownNames() {
        try (InputStream in = SettingsCatalogue.class.getResourceAsStream("known-settings.txt")) {
            if (in == null) {
                throw new IllegalStateException("known-settings.txt missing from the classpath");
            }
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                String n = line.trim();
                if (!n.isEmpty() && !n.startsWith("#") && !settings.containsKey(n) && !aliases.containsKey(n)) {
                    knownOnly.add(n);
                    settings.put(
                            n,
                            new Setting(n, null, false, false, Shape.ANY, "", "known name; default not yet mirrored"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<Setting> find(String nameWithSigil) {
        return Optional.ofNullable(settings.get(canonical(nameWithSigil)));
    }

    public boolean isKnown(String nameWithSigil) {
        return settings.containsKey(canonical(nameWithSigil));
    }

    /** Resolves legacy aliases such as $DO_SYSLOG to the variable they share storage with. */
    public String canonical(String nameWithSigil) {
        return aliases.getOrDefault(nameWithSigil, nameWithSigil);
    }

    public Collection<Setting> all() {
        return Collections.unmodifiableCollection(settings.values());
    }
}
