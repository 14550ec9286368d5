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
  /** Legacy upper-case names that amavisd-new aliases to the lower-case variables. */
  private final Map<String, String> aliases = Map.of("$DO_SYSLOG", "$do_syslog", "$LOGFILE", "$logfile");

  public static SettingsCatalogue standard() {
    return INSTANCE;
  }

  private SettingsCatalogue() {
    general();
    logging();
    mtaInterface();
    policy();
    contentChecks();
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
    def("$mydomain", "'!change-mydomain-variable!.example.com'", Shape.PLAIN,
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
    def("$syslog_priority", null, Shape.PLAIN, "syslog priority");
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
    def("$smtpd_greeting_banner", "'${helo-name} ${protocol} ${product} service ready'", Shape.PLAIN,
        "SMTP greeting template");
    def("$smtpd_quit_banner", "'${helo-name} ${product} closing transmission channel'", Shape.PLAIN,
        "SMTP QUIT reply template");
    def("$localhost_name", "'localhost'", Shape.PLAIN, "our EHLO name as an SMTP client");
    def("$auth_required_release", "1", Shape.NUMBER, "a release requires the secret id");
    def("$smtp_connection_cache_on_demand", "1", Shape.NUMBER, "cache SMTP client connections on demand");
    def("$smtp_connection_cache_enable", "1", Shape.NUMBER, "cache SMTP client connections");
    def("$forward_method", "'smtp:[127.0.0.1]:10025'", Shape.PLAIN_OR_LIST, "where to pass checked mail");
    def("$notify_method", "$forward_method", Shape.PLAIN_OR_LIST, "where to send notifications");
    def("$resend_method", null, Shape.PLAIN_OR_LIST, "overrides forward_method on defanging");
    def("$release_method", null, Shape.PLAIN_OR_LIST, "overrides notify_method on release");
    def("$requeue_method", "'smtp:[127.0.0.1]:25'", Shape.PLAIN_OR_LIST, "where released mail is requeued");
    def("$release_format", "'resend'", Shape.PLAIN, "format of released mail");
    def("$report_format", "'arf'", Shape.PLAIN, "format of spam reports");
  }

  private void policy() {
    def("%interface_policy", null, Shape.ANY, "maps a port or socket name to a policy bank name");
    def("%policy_bank", null, Shape.HASH_OF_HASHES, "named sets of setting overrides");
    def("$originating", "0", Shape.NUMBER, "mail comes from our own users");
    def("@mynetworks", "qw(127.0.0.0/8 [::1] 169.254.0.0/16 [fe80::]/10 10.0.0.0/8 172.16.0.0/12"
        + " 192.168.0.0/16 [fc00::]/7)", Shape.ANY, "networks considered internal");
    def("@mynetworks_maps", "(\\@mynetworks)", Shape.ANY, "lookup tables for internal networks");
    def("%local_domains", null, Shape.ANY, "hash lookup of local domains");
    def("@local_domains_acl", null, Shape.ANY, "ACL lookup of local domains");
    def("$local_domains_re", null, Shape.ANY, "regexp lookup of local domains");
    def("@local_domains_maps", "(\\%local_domains, \\@local_domains_acl, \\$local_domains_re)", Shape.ANY,
        "lookup tables deciding which recipients are local");
    def("%bypass_virus_checks", null, Shape.ANY, "hash lookup of recipients bypassing virus checks");
    def("@bypass_virus_checks_acl", null, Shape.ANY, "ACL of recipients bypassing virus checks");
    def("$bypass_virus_checks_re", null, Shape.ANY, "regexp lookup bypassing virus checks");
    def("@bypass_virus_checks_maps",
        "(\\%bypass_virus_checks, \\@bypass_virus_checks_acl, \\$bypass_virus_checks_re)", Shape.ANY,
        "recipients for whom virus checks are skipped");
    def("%bypass_spam_checks", null, Shape.ANY, "hash lookup of recipients bypassing spam checks");
    def("@bypass_spam_checks_acl", null, Shape.ANY, "ACL of recipients bypassing spam checks");
    def("$bypass_spam_checks_re", null, Shape.ANY, "regexp lookup bypassing spam checks");
    def("@bypass_spam_checks_maps",
        "(\\%bypass_spam_checks, \\@bypass_spam_checks_acl, \\$bypass_spam_checks_re)", Shape.ANY,
        "recipients for whom spam checks are skipped");
    def("$recipient_delimiter", null, Shape.PLAIN, "address extension delimiter, e.g. '+'");
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
          settings.put(n, new Setting(n, null, false, false, Shape.ANY, "", "known name; default not yet mirrored"));
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
