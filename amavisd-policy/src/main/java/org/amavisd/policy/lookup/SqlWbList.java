package org.amavisd.policy.lookup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The per-recipient white/black list in SQL ($sql_select_white_black_list). The recipient's
 * matching policy rows give its users.id values (all of them, most specific first); for each, the
 * wblist clause is run for the sender with that id as its first ? and the sender's query keys as
 * %k, and the first non-NULL wb decides:
 *
 * <ul>
 *   <li>a number (" -3.5 ") is a soft listing: added to the score boost, the search goes on;
 *   <li>empty or spaces: neutral, stops the search;
 *   <li>B, b, N, n, F, f: blacklisted;
 *   <li>anything else (W, Y, T, ...): whitelisted.
 * </ul>
 */
public final class SqlWbList {
    private static final Pattern SOFT = Pattern.compile(" *([+-]?\\d+(?:\\.\\d*)?) *");
    private static final Pattern NEUTRAL = Pattern.compile("[ \u0000]*");
    private static final Pattern BLACK = Pattern.compile("[BbNnFf] *");

    public enum Kind {
        WHITELISTED,
        BLACKLISTED,
        NEUTRAL,
        NOT_LISTED
    }

    /** The outcome for one (recipient, sender); {@code wb} is the deciding raw value, or null. */
    public record Verdict(Kind kind, double scoreBoost, String wb) {}

    private final SqlSelect policy;
    private final SqlSelect wblist;

    /** @param policy the policy select, whose rows carry users.id as column "id" */
    public SqlWbList(SqlSelect policy, SqlSelect wblist) {
        this.policy = policy;
        this.wblist = wblist;
    }

    /** The users.id values of the recipient's matching rows, most specific first. */
    public List<String> userIds(LookupKey recipient) {
        List<String> ids = new ArrayList<>();
        for (Map<String, String> row : policy.rows(recipient)) {
            String id = row.get("id");
            if (id != null) ids.add(id);
        }
        return ids;
    }

    /** The first non-NULL wb for this user id and sender, or empty. */
    public Optional<String> wb(String userId, LookupKey sender) {
        for (Map<String, String> row : wblist.rows(sender, List.of(userId))) {
            String wb = row.get("wb");
            if (wb != null) return Optional.of(wb);
        }
        return Optional.empty();
    }

    /** The raw wb value that decides for (recipient, sender): the first hard (non-numeric) one. */
    public Optional<String> wb(LookupKey recipient, LookupKey sender) {
        Verdict v = check(recipient, sender);
        return Optional.ofNullable(v.wb());
    }

    /** amavisd-new's per-sender decision for this recipient. */
    public Verdict check(LookupKey recipient, LookupKey sender) {
        double boost = 0;
        for (String id : userIds(recipient)) {
            Optional<String> found = wb(id, sender);
            if (found.isEmpty()) continue;
            String wb = found.get();
            Matcher soft = SOFT.matcher(wb);
            if (soft.matches()) {
                boost += Double.parseDouble(soft.group(1));
                continue;
            }
            if (NEUTRAL.matcher(wb).matches()) return new Verdict(Kind.NEUTRAL, boost, wb);
            if (BLACK.matcher(wb).matches()) return new Verdict(Kind.BLACKLISTED, boost, wb);
            return new Verdict(Kind.WHITELISTED, boost, wb);
        }
        return new Verdict(Kind.NOT_LISTED, boost, null);
    }

    public void clearCache() {
        wblist.clearCache();
    }
}
