package org.amavisd.policy.lookup;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.SearchResultEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * amavisd-new's LDAP account search for an address: each "(attr=%m)" of the query filter becomes
 * "(|(attr=key1)(attr=key2)...)" over the address's query keys ({@link SqlQueryKeys}, with "<>"
 * first for the null sender), %d in the base becomes the domain; the entries found are ordered by
 * the key their (first) filter attribute matched, most specific first. Each entry is a map of
 * lowercased attribute name to values. Cached per address until {@link #clearCache()}.
 */
public final class LdapAccountQuery {
    private static final Pattern M_TOKEN = Pattern.compile("\\(([^(=]+)=%m\\)");

    private final LdapDirectory directory;
    private final boolean noAtMeansDomain;
    private final Predicate<LookupKey> isLocal;
    // One worker thread carries one message at a time, and clearCache() runs when a message begins:
    // a per-thread cache keeps concurrent messages from seeing (or clearing) each other's rows.
    private final ThreadLocal<Map<String, List<Map<String, List<String>>>>> cache =
            ThreadLocal.withInitial(java.util.HashMap::new);

    public LdapAccountQuery(LdapDirectory directory, boolean noAtMeansDomain, Predicate<LookupKey> isLocal) {
        this.directory = directory;
        this.noAtMeansDomain = noAtMeansDomain;
        this.isLocal = isLocal;
    }

    /** The filter with %m expanded for these keys. */
    public static String expandFilter(String filter, List<String> keys, List<String> filterAttrs) {
        Matcher m = M_TOKEN.matcher(filter);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String attr = m.group(1);
            filterAttrs.add(attr);
            StringBuilder or = new StringBuilder("(|");
            for (String k : keys)
                or.append('(')
                        .append(attr)
                        .append('=')
                        .append(Filter.encodeValue(k))
                        .append(')');
            or.append(')');
            m.appendReplacement(out, Matcher.quoteReplacement(or.toString()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The matching entries, most specific first. */
    public List<Map<String, List<String>>> entries(LookupKey key) {
        List<Map<String, List<String>>> cached = cache.get().get(key.address());
        if (cached != null) return cached;
        SqlQueryKeys qk = SqlQueryKeys.of(key, noAtMeansDomain, isLocal.test(key), true);
        List<String> keys = new ArrayList<>(qk.keys());
        if (key.address().isEmpty()) keys.add(0, "<>");
        LdapConfig c = directory.config();
        List<String> filterAttrs = new ArrayList<>();
        String filter = expandFilter(c.queryFilter(), keys, filterAttrs);
        String base = c.base() == null ? "" : c.base();
        if (base.contains("%d") && !qk.domain().isEmpty()) base = base.replace("%d", escapeDnValue(qk.domain()));
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) position.putIfAbsent(keys.get(i), i);
        List<Object[]> found = new ArrayList<>();
        for (SearchResultEntry e : directory.search(base, c.scope(), filter)) {
            Map<String, List<String>> attrs = new LinkedHashMap<>();
            for (Attribute a : e.getAttributes()) {
                attrs.put(a.getBaseName().toLowerCase(Locale.ROOT), List.copyOf(Arrays.asList(a.getValues())));
            }
            int pos = Integer.MAX_VALUE;
            for (String fa : filterAttrs) {
                String v = e.getAttributeValue(fa);
                if (v != null) {
                    if (!attrs.containsKey("amavislocal") && v.equals("@.")) attrs.put("amavislocal", null);
                    pos = position.getOrDefault(
                            v, position.getOrDefault(v.toLowerCase(Locale.ROOT), Integer.MAX_VALUE));
                    break;
                }
            }
            found.add(new Object[] {pos, Collections.unmodifiableMap(attrs)});
        }
        found.sort(Comparator.comparingInt(o -> (Integer) o[0]));
        List<Map<String, List<String>>> out = new ArrayList<>();
        for (Object[] o : found) {
            @SuppressWarnings("unchecked")
            Map<String, List<String>> m = (Map<String, List<String>>) o[1];
            out.add(m);
        }
        out = List.copyOf(out);
        cache.get().put(key.address(), out);
        return out;
    }

    /** RFC 4514 escaping of an attribute value in a DN. */
    static String escapeDnValue(String v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (",+\"\\<>;=".indexOf(c) >= 0
                    || (i == 0 && (c == '#' || c == ' '))
                    || (i == v.length() - 1 && c == ' ')) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** Forgets cached entries; called when a new message begins. */
    public void clearCache() {
        cache.get().clear();
    }
}
