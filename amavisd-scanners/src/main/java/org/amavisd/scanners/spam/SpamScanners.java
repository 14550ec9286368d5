package org.amavisd.scanners.spam;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.ConfigException;
import org.amavisd.policy.conf.ConfigWarning;
import org.amavisd.policy.conf.Origin;
import org.amavisd.policy.conf.PerlValue;

/**
 * Builds the scanners of {@code @spam_scanners}, a list of {@code [name, class, option => value,
 * ...]} entries as amavisd-new reads it. Entries whose class is empty or undef are left out, as
 * amavisd-new does. amavisd-new's in-process SpamAssassin (its default entry) is carried out by
 * spamd ({@link SpamAssassinViaSpamd}); ExtProg is left out with a warning; any other class is a
 * configuration error. Unknown options are warned about
 * and ignored; an option with an unusable value is an error.
 */
public final class SpamScanners {
    private SpamScanners() {}

    /** The scanners in configuration order, and what was left out or ignored. */
    public record Configured(List<SpamScanner> scanners, List<ConfigWarning> warnings) {
        public Configured {
            scanners = List.copyOf(scanners);
            warnings = List.copyOf(warnings);
        }
    }

    static final Set<String> UNSUPPORTED = Set.of("Amavis::SpamControl::ExtProg");

    /**
     * What the in-process SpamAssassin entry becomes here (a spamd client): {@code $spamd_socket}
     * (ours; undef: 127.0.0.1:783, then [::1]:783), {@code $daemon_user} (the user name when
     * @sa_username_maps has none) and {@code $sa_local_tests_only}, which spamd cannot be told per
     * request.
     */
    public record SpamAssassinSettings(
            PerlValue spamdSocket, Origin socketOrigin, String daemonUser, boolean localTestsOnly) {
        static final SpamAssassinSettings DEFAULTS =
                new SpamAssassinSettings(PerlValue.UNDEF, Origin.DEFAULT, null, false);
    }

    private static final Set<String> SPAMD_OPTIONS = Set.of(
            "mail_body_size_limit",
            "score_factor",
            "host",
            "port",
            "socket",
            "timeout",
            "connect_timeout",
            "request",
            "user");
    private static final Set<String> RSPAMD_OPTIONS =
            Set.of("url", "timeout", "score_factor", "mta_name", "mail_body_size_limit", "credentials", "ssl_opts");

    /** {@code @spam_scanners} and {@code $sa_mail_body_size_limit} of a loaded configuration. */
    public static Configured fromConfig(AmavisConf conf) throws ConfigException {
        return fromValue(
                conf.get("@spam_scanners").orElse(PerlValue.UNDEF),
                conf.get("$sa_mail_body_size_limit").orElse(PerlValue.UNDEF),
                conf.origin("@spam_scanners"),
                new SpamAssassinSettings(
                        conf.get("$spamd_socket").orElse(PerlValue.UNDEF),
                        conf.origin("$spamd_socket"),
                        conf.scalar("$daemon_user").filter(u -> !u.isEmpty()).orElse(null),
                        conf.get("$sa_local_tests_only").map(PerlValue::isTrue).orElse(false)));
    }

    /** The same from the values themselves; {@code origin} is where @spam_scanners was set. */
    public static Configured fromValue(PerlValue spamScanners, PerlValue saMailBodySizeLimit, Origin origin)
            throws ConfigException {
        return fromValue(spamScanners, saMailBodySizeLimit, origin, SpamAssassinSettings.DEFAULTS);
    }

    /** As above, with the settings the in-process SpamAssassin entry is carried out with. */
    public static Configured fromValue(
            PerlValue spamScanners, PerlValue saMailBodySizeLimit, Origin origin, SpamAssassinSettings sa)
            throws ConfigException {
        List<SpamScanner> out = new ArrayList<>();
        List<ConfigWarning> warnings = new ArrayList<>();
        if (!spamScanners.isDefined()) return new Configured(out, warnings);
        if (!(spamScanners instanceof PerlValue.ArrayRef list)) {
            throw new ConfigException(origin, "@spam_scanners must be a list of [name, class, options...] entries");
        }
        Long saLimit = optionalLong(saMailBodySizeLimit, "$sa_mail_body_size_limit", origin);
        int i = 0;
        for (PerlValue entry : list.elements()) {
            i++;
            if (!(entry instanceof PerlValue.ArrayRef a)) {
                if (entry.isDefined()) {
                    warnings.add(
                            new ConfigWarning(origin, "@spam_scanners entry " + i + " is not a [...] list; ignored"));
                }
                continue;
            }
            List<PerlValue> e = a.elements();
            String cls =
                    e.size() > 1 && e.get(1).isDefined() ? e.get(1).asString().trim() : "";
            if (cls.isEmpty()) continue; // as amavisd-new: an entry without a class is off
            String name = e.get(0).isDefined() ? e.get(0).asString() : cls;
            String where = "@spam_scanners entry " + i + " ('" + name + "')";
            if ((e.size() - 2) % 2 != 0) {
                throw new ConfigException(origin, where + ": options must come in name => value pairs");
            }
            Map<String, PerlValue> opts = new LinkedHashMap<>();
            for (int k = 2; k < e.size(); k += 2) opts.put(e.get(k).asString(), e.get(k + 1));
            switch (cls) {
                case SpamdClient.CLASS_NAME -> {
                    unknown(opts, SPAMD_OPTIONS, where, origin, warnings);
                    out.add(new SpamdClient(name, spamd(opts, saLimit, where, origin)));
                }
                case SpamAssassinViaSpamd.CLASS_NAME -> {
                    for (String k : opts.keySet()) {
                        warnings.add(new ConfigWarning(
                                origin,
                                where + ": option '" + k + "' ignored (SpamAssassin is asked through spamd here)"));
                    }
                    if (sa.localTestsOnly()) {
                        warnings.add(new ConfigWarning(
                                origin,
                                where + ": $sa_local_tests_only cannot be passed to spamd per request;"
                                        + " start spamd with --local (-L) to skip network tests"));
                    }
                    SpamdClient.Options d = SpamdClient.Options.defaults();
                    SpamdClient.Options o = new SpamdClient.Options(
                            spamdSocket(sa.spamdSocket(), sa.socketOrigin()),
                            d.connectTimeout(),
                            d.timeout(),
                            saLimit,
                            null,
                            SpamdClient.Request.SYMBOLS,
                            null);
                    out.add(new SpamAssassinViaSpamd(new SpamdClient(name, o), sa.daemonUser()));
                }
                case RspamdClient.CLASS_NAME -> {
                    unknown(opts, RSPAMD_OPTIONS, where, origin, warnings);
                    if (opts.containsKey("ssl_opts")) {
                        warnings.add(
                                new ConfigWarning(
                                        origin,
                                        where
                                                + ": ssl_opts ignored; https uses the JVM's trust store and always checks the host name"));
                    }
                    out.add(new RspamdClient(name, rspamd(opts, where, origin)));
                }
                default -> {
                    if (UNSUPPORTED.contains(cls)) {
                        warnings.add(new ConfigWarning(
                                origin,
                                where + ": class " + cls + " runs inside amavisd-new's Perl and is not available here;"
                                        + " entry left out (use Amavis::SpamControl::SpamdClient or ::RspamdClient)"));
                    } else {
                        throw new ConfigException(
                                origin,
                                where + ": unknown spam scanner class '" + cls + "' (supported: "
                                        + SpamdClient.CLASS_NAME + ", " + RspamdClient.CLASS_NAME + ", "
                                        + SpamAssassinViaSpamd.CLASS_NAME + " through spamd)");
                    }
                }
            }
        }
        return new Configured(out, warnings);
    }

    /**
     * {@code $spamd_socket}: host:port, [IPv6]:port, a host alone (port 783) or the path of a Unix
     * socket; undef or '': 127.0.0.1:783, then [::1]:783.
     */
    static List<SocketAddress> spamdSocket(PerlValue v, Origin origin) throws ConfigException {
        String s = v.isDefined() ? v.asString().trim() : "";
        if (s.isEmpty()) return SpamdClient.Options.defaults().addresses();
        if (s.startsWith("/")) return List.of(UnixDomainSocketAddress.of(s));
        String host;
        String port = "783";
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\\[([^\\]]+)\\](?::(\\d+))?").matcher(s);
        if (m.matches()) {
            host = m.group(1);
            if (m.group(2) != null) port = m.group(2);
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = s.substring(s.indexOf(':') + 1);
        } else if (s.indexOf(':') < 0) {
            host = s;
        } else {
            throw new ConfigException(
                    origin, "$spamd_socket: write an IPv6 address in brackets, [::1]:783, not '" + s + "'");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (host.isEmpty() || p < 1 || p > 65535)
            throw new ConfigException(
                    origin, "$spamd_socket: not host:port, [IPv6]:port or a socket path: '" + s + "'");
        return List.of(InetSocketAddress.createUnresolved(host, p));
    }

    private static void unknown(
            Map<String, PerlValue> opts, Set<String> known, String where, Origin origin, List<ConfigWarning> warnings) {
        for (String k : opts.keySet()) {
            if (!known.contains(k)) {
                warnings.add(new ConfigWarning(origin, where + ": unknown option '" + k + "' ignored"));
            }
        }
    }

    private static SpamdClient.Options spamd(Map<String, PerlValue> o, Long saLimit, String where, Origin origin)
            throws ConfigException {
        SpamdClient.Options d = SpamdClient.Options.defaults();
        List<SocketAddress> addresses;
        String socket = string(o, "socket");
        String host = string(o, "host");
        Long port = optionalLong(o.get("port"), where + " port", origin);
        if (socket != null) {
            if (host != null || port != null)
                throw new ConfigException(origin, where + ": give socket, or host and port, not both");
            addresses = List.of(UnixDomainSocketAddress.of(socket));
        } else if (host == null && port == null) {
            addresses = d.addresses();
        } else {
            int p = port == null ? 783 : (int) (long) port;
            if (p < 1 || p > 65535) throw new ConfigException(origin, where + ": port " + p + " is not a TCP port");
            String h = host == null ? "127.0.0.1" : host.replaceAll("^\\[(.*)\\]$", "$1");
            addresses = List.of(InetSocketAddress.createUnresolved(h, p));
        }
        Long limit = o.containsKey("mail_body_size_limit")
                ? optionalLong(o.get("mail_body_size_limit"), where + " mail_body_size_limit", origin)
                : saLimit;
        SpamdClient.Request request = SpamdClient.Request.SYMBOLS;
        String r = string(o, "request");
        if (r != null) {
            try {
                request = SpamdClient.Request.valueOf(r.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(origin, where + ": request must be SYMBOLS or REPORT, not '" + r + "'");
            }
        }
        return new SpamdClient.Options(
                addresses,
                seconds(o, "connect_timeout", d.connectTimeout(), where, origin),
                seconds(o, "timeout", d.timeout(), where, origin),
                limit,
                number(o, "score_factor", where, origin),
                request,
                string(o, "user"));
    }

    private static RspamdClient.Options rspamd(Map<String, PerlValue> o, String where, Origin origin)
            throws ConfigException {
        URI url = null;
        String u = string(o, "url");
        if (u != null) {
            try {
                url = new URI(u);
            } catch (URISyntaxException e) {
                throw new ConfigException(origin, where + ": url '" + u + "' is not a URL");
            }
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
                throw new ConfigException(
                        origin, where + ": url must be http://host... or https://host..., not '" + u + "'");
            }
        }
        RspamdClient.Credentials cred = null;
        PerlValue c = o.get("credentials");
        if (c != null && c.isDefined()) {
            if (!(c instanceof PerlValue.HashRef h)) {
                throw new ConfigException(
                        origin, where + ": credentials must be { netloc => ..., username => ..., ... }");
            }
            String netloc = h.get("netloc").map(PerlValue::asString).orElse(null);
            String user = h.get("username").map(PerlValue::asString).orElse(null);
            if (netloc == null || user == null) {
                throw new ConfigException(origin, where + ": credentials need netloc and username");
            }
            cred = new RspamdClient.Credentials(
                    netloc,
                    h.get("realm").map(PerlValue::asString).orElse(null),
                    user,
                    h.get("password").map(PerlValue::asString).orElse(""));
        }
        return new RspamdClient.Options(
                url,
                seconds(o, "timeout", Duration.ofSeconds(60), where, origin),
                optionalLong(o.get("mail_body_size_limit"), where + " mail_body_size_limit", origin),
                number(o, "score_factor", where, origin),
                string(o, "mta_name"),
                cred);
    }

    private static String string(Map<String, PerlValue> o, String key) {
        PerlValue v = o.get(key);
        return v == null || !v.isDefined() || v.asString().isEmpty() ? null : v.asString();
    }

    private static Double number(Map<String, PerlValue> o, String key, String where, Origin origin)
            throws ConfigException {
        PerlValue v = o.get(key);
        if (v == null || !v.isDefined()) return null;
        if (v instanceof PerlValue.Str s && s.looksLikeNumber()) return s.asDouble();
        throw new ConfigException(origin, where + ": " + key + " must be a number, not '" + v.asString() + "'");
    }

    private static Duration seconds(Map<String, PerlValue> o, String key, Duration dflt, String where, Origin origin)
            throws ConfigException {
        Double d = number(o, key, where, origin);
        if (d == null) return dflt;
        if (d <= 0) throw new ConfigException(origin, where + ": " + key + " must be positive seconds");
        return Duration.ofMillis(Math.round(d * 1000));
    }

    private static Long optionalLong(PerlValue v, String what, Origin origin) throws ConfigException {
        if (v == null || !v.isDefined()) return null;
        if (v instanceof PerlValue.Str s && s.looksLikeNumber() && s.asDouble() >= 0) return (long) s.asDouble();
        throw new ConfigException(origin, what + " must be a number of bytes, not '" + v.asString() + "'");
    }
}
