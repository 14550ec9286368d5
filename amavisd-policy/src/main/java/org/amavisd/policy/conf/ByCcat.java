package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks up a per-contents-category setting (%final_destiny_maps_by_ccat and the other *_by_ccat
 * hashes) the way amavisd-new does (Amavis::Util::setting_by_given_contents_category).
 *
 * <p>A message's contents categories are strings "major" or "major,minor", kept sorted from the
 * most important down (a finding "major,minor" always brings "major" along). The lookup walks
 * that list in order and then tries CC_CATCHALL ("0"); the first key that exists in the hash wins,
 * even when its value is undef (CC_BANNED in %subject_tag_maps_by_ccat means "no tag", not "ask
 * the catch-all"). Given a single category instead of a list, only that string and "0" are tried.
 *
 * <p>The value found may be a scalar, a maps list, or a code reference. amavisd-new calls code
 * references; ours come from the defaults and from configs as source text, and the few accessor
 * forms they use ({@code sub { c('name') }}, {@code ca}, {@code cr}, and {@code [ c('name') ]})
 * are resolved here against the settings in force. Any other code is returned unresolved.
 */
public final class ByCcat {
    /** CC_CATCHALL as a hash key. */
    public static final String CATCHALL = "0";

    private static final Pattern ACCESSOR =
            Pattern.compile("sub\\s*\\{\\s*(\\[\\s*)?(c|ca|cr)\\s*\\(\\s*(['\"])(\\w+)\\3\\s*\\)\\s*(\\]\\s*)?;?\\s*}");

    /** The tables' values for one category key, in table order (undef where a table lacks the key). */
    public record Match(String ccat, List<PerlValue> values) {
        public Match {
            values = List.copyOf(values);
        }

        /** The first table's value. */
        public PerlValue value() {
            return values.get(0);
        }
    }

    private ByCcat() {}

    /** The key of a category: "major,minor", or "major" when minor is 0. */
    public static String key(int major, int minor) {
        return minor > 0 ? major + "," + minor : Integer.toString(major);
    }

    /** The category list of a message with the single finding (major, minor), most important first. */
    public static List<String> categories(int major, int minor) {
        return withFinding(List.of(), major, minor);
    }

    /**
     * A copy of the descending category list {@code sorted} with the finding (major, minor) added:
     * "major,minor" when minor is positive, and "major" in any case, each unless already present.
     */
    public static List<String> withFinding(List<String> sorted, int major, int minor) {
        List<String> out = new ArrayList<>(sorted);
        if (minor > 0) {
            insert(out, key(major, minor));
        }
        insert(out, key(major, 0));
        return List.copyOf(out);
    }

    private static void insert(List<String> list, String ccat) {
        int j = 0;
        while (j < list.size() && compare(list.get(j), ccat) > 0) {
            j++;
        }
        if (j == list.size() || compare(list.get(j), ccat) != 0) {
            list.add(j, ccat);
        }
    }

    /** Numeric order of "major[,minor]" strings, major first (a missing minor counts as 0). */
    public static int compare(String a, String b) {
        int[] x = split(a);
        int[] y = split(b);
        return x[0] != y[0] ? Integer.compare(x[0], y[0]) : Integer.compare(x[1], y[1]);
    }

    private static int[] split(String ccat) {
        String[] p = ccat.split(",", -1);
        return new int[] {Integer.parseInt(p[0].trim()), p.length > 1 ? Integer.parseInt(p[1].trim()) : 0};
    }

    /** The value for a message whose only finding is (major, minor); undef when no key applies. */
    public static PerlValue forCcat(
            PerlValue table, int major, int minor, Function<String, Optional<PerlValue>> settings) {
        return first(categories(major, minor), settings, table)
                .map(Match::value)
                .orElse(PerlValue.UNDEF);
    }

    /**
     * The most important category for which any of {@code tables} has a key, with every table's
     * (resolved) value for it. A table that is not a hash reference counts as absent.
     */
    public static Optional<Match> first(
            List<String> ccats, Function<String, Optional<PerlValue>> settings, PerlValue... tables) {
        List<Match> all = walk(ccats, settings, true, tables);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /** Every category (then the catch-all) for which any of {@code tables} has a key, most important first. */
    public static List<Match> all(
            List<String> ccats, Function<String, Optional<PerlValue>> settings, PerlValue... tables) {
        return walk(ccats, settings, false, tables);
    }

    private static List<Match> walk(
            List<String> ccats,
            Function<String, Optional<PerlValue>> settings,
            boolean firstOnly,
            PerlValue... tables) {
        List<Match> out = new ArrayList<>();
        List<String> keys = new ArrayList<>(ccats);
        keys.add(CATCHALL);
        for (String k : keys) {
            boolean any = Arrays.stream(tables)
                    .anyMatch(
                            t -> t instanceof PerlValue.HashRef h && h.entries().containsKey(k));
            if (!any) {
                continue;
            }
            List<PerlValue> values = new ArrayList<>();
            for (PerlValue t : tables) {
                PerlValue v = t instanceof PerlValue.HashRef h ? h.entries().get(k) : null;
                values.add(v == null ? PerlValue.UNDEF : resolve(v, settings));
            }
            out.add(new Match(k, values));
            if (firstOnly) {
                break;
            }
        }
        return out;
    }

    /**
     * Resolves the accessor subs of amavisd-new's defaults: c('x') is the value of setting x,
     * ca('x') that value as a list (undef gives an empty one, a scalar a one-element one), cr('x')
     * a reference to it (undef when undefined). Other values are returned as they are.
     *
     * @param settings a setting's value by its name without sigil, e.g. a policy bank's get
     */
    public static PerlValue resolve(PerlValue v, Function<String, Optional<PerlValue>> settings) {
        if (!(v instanceof PerlValue.CodeRef code) || code.source() == null) {
            return v;
        }
        Matcher m = ACCESSOR.matcher(code.source().trim());
        if (!m.matches() || m.group(1) == null != (m.group(5) == null)) {
            return v;
        }
        PerlValue var = settings.apply(m.group(4)).orElse(PerlValue.UNDEF);
        PerlValue r = switch (m.group(2)) {
            case "c" -> var instanceof PerlValue.ScalarRef s ? s.target() : var;
            case "ca" ->
                isRef(var)
                        ? var
                        : var.isDefined() ? new PerlValue.ArrayRef(List.of(var)) : new PerlValue.ArrayRef(List.of());
            default -> isRef(var) ? var : var.isDefined() ? new PerlValue.ScalarRef(var) : PerlValue.UNDEF;
        };
        return m.group(1) != null ? new PerlValue.ArrayRef(List.of(r)) : r;
    }

    /** The setting an accessor sub reads ("spam_lovers_maps" for sub { ca('spam_lovers_maps') }), if it is one. */
    public static Optional<String> accessorName(PerlValue v) {
        if (!(v instanceof PerlValue.CodeRef code) || code.source() == null) return Optional.empty();
        Matcher m = ACCESSOR.matcher(code.source().trim());
        return m.matches() ? Optional.of(m.group(4)) : Optional.empty();
    }

    private static boolean isRef(PerlValue v) {
        return v.isDefined() && !(v instanceof PerlValue.Str);
    }

    /** Settings by name without sigil from a loaded config; a scalar wins over an array or hash. */
    public static Function<String, Optional<PerlValue>> settingsOf(AmavisConf conf) {
        return name -> conf.get("$" + name).or(() -> conf.get("@" + name)).or(() -> conf.get("%" + name));
    }
}
