package org.amavisd.daemon;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.amavisd.policy.bank.PolicyBank;
import org.amavisd.policy.bank.PolicyBanks;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.ConfigException;
import org.amavisd.policy.conf.Origin;
import org.amavisd.policy.conf.PerlValue;

/**
 * {@code amavisd -c CONF showconfig [BANK]}: every setting as it is resolved, in amavisd.conf
 * syntax, with where its value came from: the default, the file and line that set it, or the
 * policy bank that overrode it. The configuration's warnings come first.
 */
final class ShowConfig {
    private ShowConfig() {}

    static int print(AmavisConf conf, String bankName, PrintStream out) throws ConfigException {
        try (PolicyBanks banks = PolicyBanks.from(conf)) {
            return print(conf, banks, bankName, out);
        }
    }

    private static int print(AmavisConf conf, PolicyBanks banks, String bankName, PrintStream out) {
        conf.warnings().forEach(w -> out.println("# " + w)); // "FILE:LINE:COL: warning: ..."
        banks.warnings().forEach(w -> out.println("# warning: " + w));
        PolicyBank bank = banks.base();
        List<String> loadWarnings = new ArrayList<>();
        if (bankName != null) {
            if (!banks.isDefined(bankName)) {
                System.err.println("amavisd: no policy bank '" + bankName + "' in %policy_bank");
                return 1;
            }
            bank = banks.load(bank, bankName, loadWarnings);
            loadWarnings.forEach(w -> out.println("# warning: " + w));
            out.println("# settings with policy bank " + bankName + " loaded over the base");
        }
        Map<String, PerlValue> sorted = new TreeMap<>((a, b) -> {
            int c = a.substring(1).compareToIgnoreCase(b.substring(1));
            return c != 0 ? c : a.compareTo(b);
        });
        sorted.putAll(conf.values());
        for (Map.Entry<String, PerlValue> e : sorted.entrySet()) {
            String name = e.getKey();
            PerlValue value = e.getValue();
            String where = origin(conf.origin(name));
            PerlValue inBank = bank.get(name.substring(1)).orElse(null);
            if (bankName != null && inBank != null && inBank != value) {
                value = inBank;
                where = "policy bank " + bankName;
            }
            out.println(assignment(name, value) + "  # " + where);
        }
        return 0;
    }

    private static String origin(Origin o) {
        return o.isDefault() ? "default" : o.file() + ":" + o.line();
    }

    private static String assignment(String name, PerlValue v) {
        char sigil = name.charAt(0);
        if (sigil == '@' && v instanceof PerlValue.ArrayRef a) {
            return name + " = (" + a.elements().stream().map(ShowConfig::format).collect(Collectors.joining(", "))
                    + ");";
        }
        if (sigil == '%' && v instanceof PerlValue.HashRef h) {
            return name + " = (" + pairs(h) + ");";
        }
        return name + " = " + format(v) + ";";
    }

    /** A value in the syntax amavisd.conf would use to write it. */
    static String format(PerlValue v) {
        if (v instanceof PerlValue.Undef) return "undef";
        if (v instanceof PerlValue.Str s) {
            String t = s.value();
            if (t.matches("-?(0|[1-9]\\d{0,17})(\\.\\d+)?")) return t;
            if (t.indexOf('\n') >= 0 || t.indexOf('\t') >= 0) { // one line per setting: templates get escapes
                return "\""
                        + t.replace("\\", "\\\\")
                                .replace("\"", "\\\"")
                                .replace("$", "\\$")
                                .replace("@", "\\@")
                                .replace("\n", "\\n")
                                .replace("\t", "\\t")
                        + "\"";
            }
            return "'" + t.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        if (v instanceof PerlValue.ArrayRef a) {
            return "[" + a.elements().stream().map(ShowConfig::format).collect(Collectors.joining(", ")) + "]";
        }
        if (v instanceof PerlValue.HashRef h) return "{" + pairs(h) + "}";
        if (v instanceof PerlValue.ScalarRef r) return "\\" + format(r.target());
        if (v instanceof PerlValue.CodeRef c) return "\\&" + c.name();
        if (v instanceof PerlValue.RegexValue r) return "qr'" + r.source() + "'" + r.flags();
        if (v instanceof PerlValue.RegexTable t) {
            return "new_RE("
                    + t.entries().stream()
                            .map(e -> e.result().isDefined()
                                            && e.result().asString().equals("1")
                                    ? format(e.regex())
                                    : "[" + format(e.regex()) + " => " + format(e.result()) + "]")
                            .collect(Collectors.joining(", "))
                    + ")";
        }
        return v.asString();
    }

    private static String pairs(PerlValue.HashRef h) {
        return h.entries().entrySet().stream()
                .map(e -> format(PerlValue.of(e.getKey())) + " => " + format(e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
