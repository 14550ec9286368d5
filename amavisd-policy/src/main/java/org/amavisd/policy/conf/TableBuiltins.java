package org.amavisd.policy.conf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** new_RE(...) and dkim_key(...): config helpers that build values rather than read files. */
final class TableBuiltins {
    private TableBuiltins() {}

    /**
     * new_RE(ELEMENT, ...): each element is a qr//, a string holding a pattern, or [PATTERN, RESULT];
     * a missing result is 1. An undefined or empty pattern matches everything, as amavisd-new
     * substitutes (?:) for it. String patterns are compiled now (Perl would at lookup time), so
     * their errors are reported with the config's position.
     */
    static List<Object> newRe(Evaluator ev, Ast.Call c) throws ConfigException {
        List<PerlValue.RegexTable.Entry> entries = new ArrayList<>();
        for (Ast.Expr a : c.args()) {
            for (Object item : ev.list(a)) {
                if (item instanceof Rt.Ref r && r.target instanceof Rt.Arr pair) {
                    if (pair.items.isEmpty()) {
                        throw new ConfigException(a.at(), "new_RE: an empty [] pair has no pattern");
                    }
                    PerlValue result = pair.items.size() < 2 ? PerlValue.of(1) : Rt.freeze(pair.items.get(1));
                    entries.add(new PerlValue.RegexTable.Entry(pattern(pair.items.get(0), a.at()), result));
                } else {
                    entries.add(new PerlValue.RegexTable.Entry(pattern(item, a.at()), PerlValue.of(1)));
                }
            }
        }
        return List.of(new PerlValue.RegexTable(entries));
    }

    private static PerlValue.RegexValue pattern(Object v, Origin at) throws ConfigException {
        if (v instanceof PerlValue.RegexValue r) {
            return r;
        }
        if (v instanceof PerlValue.Undef
                || v instanceof PerlValue.Str s && s.value().isEmpty()) {
            return RegexSource.compile("(?:)", "", at, "(?:)");
        }
        if (v instanceof PerlValue.Str s) {
            return RegexSource.compile(s.value(), "", at, "'" + s.value() + "'");
        }
        throw new ConfigException(
                at,
                "new_RE: expected a regular expression, a string or a [regexp, result] pair, got "
                        + Assignments.describe(v));
    }

    /**
     * dkim_key(DOMAIN, SELECTOR, KEYFILE, TAG => VALUE, ...): recorded in call order. As in
     * amavisd-new, which opens the key file right at the call and dies when it cannot, a key
     * file that cannot be read is a configuration error here, whatever the command.
     */
    static List<Object> dkimKey(Evaluator ev, Ast.Call c) throws ConfigException {
        List<Object> args = new ArrayList<>();
        for (Ast.Expr a : c.args()) {
            args.addAll(ev.list(a));
        }
        if (args.size() < 3) {
            throw new ConfigException(c.at(), "dkim_key needs a domain, a selector and a key file");
        }
        if ((args.size() - 3) % 2 != 0) {
            throw new ConfigException(c.at(), "dkim_key: a list of key/value pairs expected as options");
        }
        Object domainArg = args.get(0);
        String selector = Rt.str(args.get(1)).toLowerCase(Locale.ROOT);
        if (!Rt.truthy(domainArg) && Rt.str(domainArg).isEmpty()) {
            throw new ConfigException(c.at(), "dkim_key: domain must not be empty");
        }
        if (selector.isEmpty()) {
            throw new ConfigException(c.at(), "dkim_key: selector must not be empty");
        }
        if (!(args.get(2) instanceof PerlValue.Str)) {
            throw new ConfigException(c.at(), "dkim_key: the key must be given as the name of a PEM file");
        }
        String keyFile = Rt.str(args.get(2));
        // relative to the current directory, as Perl's open() would take it
        if (!readable(keyFile)) {
            throw new ConfigException(c.at(), "dkim_key: cannot open PEM file " + keyFile + ": " + whyNot(keyFile));
        }
        PerlValue domain = domainArg instanceof PerlValue.RegexValue r
                ? r
                : PerlValue.of(Rt.str(domainArg).toLowerCase(Locale.ROOT));
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 3; i < args.size(); i += 2) {
            options.put(Rt.str(args.get(i)), Rt.str(args.get(i + 1)));
        }
        if (options.containsKey("k")) {
            // amavisd-new forces the key type of a key read from a file to RSA
            options.put("k", "rsa");
        }
        List<DkimKeyDecl> keys = ev.store().dkimKeys;
        for (DkimKeyDecl k : keys) {
            if (k.selector().equals(selector) && k.domain().asString().equals(domain.asString())) {
                throw new ConfigException(
                        c.at(),
                        "dkim_key: selector " + selector + " for domain " + domain.asString()
                                + " already in use (first at " + k.origin() + ")");
            }
        }
        keys.add(new DkimKeyDecl(domain, selector, keyFile, options, c.at()));
        return List.of(PerlValue.of(keys.size()));
    }

    private static boolean readable(String file) {
        try {
            Path p = Path.of(file);
            return Files.isRegularFile(p) && Files.isReadable(p);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static String whyNot(String file) {
        try {
            Path p = Path.of(file);
            if (!Files.exists(p)) return "no such file";
            if (!Files.isRegularFile(p)) return "not a regular file";
            return "permission denied";
        } catch (java.nio.file.InvalidPathException e) {
            return "not a file name";
        }
    }
}
