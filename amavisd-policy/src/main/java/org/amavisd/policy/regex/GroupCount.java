package org.amavisd.policy.regex;

/** A quick count of capturing groups, made before translating. */
final class GroupCount {
    private GroupCount() {}

    /** Capturing groups in the whole pattern, to tell \10 (back-reference) from \10 (octal). */
    static int of(String s, boolean noCapture) {
        int count = 0;
        boolean inClass = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
                if (i + 1 < s.length() && s.charAt(i + 1) == ']') {
                    i++;
                }
            } else if (c == '(') {
                boolean named = s.startsWith("(?<", i) && !s.startsWith("(?<=", i) && !s.startsWith("(?<!", i)
                        || s.startsWith("(?P<", i)
                        || s.startsWith("(?'", i);
                boolean plain = i + 1 >= s.length() || s.charAt(i + 1) != '?' && s.charAt(i + 1) != '*';
                if (named || plain && !noCapture) {
                    count++;
                }
            }
        }
        return count;
    }
}
