package org.amavisd.policy.conf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Finds the closest known name for a misspelt variable (Levenshtein distance). */
final class NameSuggester {
    private NameSuggester() {}

    /** "; did you mean $x?" for the catalogue's setting nearest to {@code name}, or "" when none is near. */
    static String didYouMean(String name, SettingsCatalogue catalogue) {
        List<String> names = new ArrayList<>();
        catalogue.all().forEach(s -> names.add(s.name()));
        return nearest(name, names).map(n -> "; did you mean " + n + "?").orElse("");
    }

    static Optional<String> nearest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(name.toLowerCase(), c.toLowerCase());
            if (d < bestDistance || (d == bestDistance && best != null && c.compareTo(best) < 0)) {
                best = c;
                bestDistance = d;
            }
        }
        // beyond a third of the name the "suggestion" is usually unrelated noise
        int limit = Math.max(2, name.length() / 3);
        return bestDistance <= limit ? Optional.ofNullable(best) : Optional.empty();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
