package org.amavisd.scanners.banned;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.amavisd.policy.conf.PerlValue;

/**
 * A leaf part that a rule decided on (banned or explicitly allowed): its path, the rule's result
 * and the rule itself, and which mechanism decided.
 */
public record BannedPart(PartPath path, Source source, PerlValue result, String matchingKey) {

    /** Which setting's rule decided. */
    public enum Source {
        /** A banned_filename table ($banned_filename_re, @banned_filename_maps, %banned_rules). */
        FILENAME_TABLES,
        /** $banned_namepath_re. */
        NAMEPATH_RE
    }

    private static final Pattern COMMENT = Pattern.compile("\\(\\?#\\s*(.*?)\\s*\\)", Pattern.DOTALL);
    private static final Pattern LONG_BLANKS = Pattern.compile("[ \\t]{6,}");

    public boolean banned() {
        return result.isTrue();
    }

    /** The (?# ...) comments in the matching rule, which amavisd-new shows instead of the regex. */
    public List<String> ruleComments() {
        List<String> out = new ArrayList<>();
        Matcher m = COMMENT.matcher(matchingKey);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The rule as reported: its comments when it has any, else the regex. */
    public String ruleComment() {
        List<String> c = ruleComments();
        return c.isEmpty() ? matchingKey : String.join(" ", c);
    }

    /**
     * The short reason (the %F of "BANNED: %F"): the leaf's values, runs of six or more blanks
     * shown as " ... ", preceded by the rule's comments and ':' when the rule has comments.
     */
    public String reasonShort() {
        String s = LONG_BLANKS.matcher(path.leafName()).replaceAll(" ... ");
        List<String> c = ruleComments();
        return c.isEmpty() ? s : String.join(" ", c) + ":" + s;
    }

    @Override
    public String toString() {
        return (banned() ? "BANNED:" + result.asString() + " " : "allowed ") + path.attributeForm()
                + ", matching_key=\"" + matchingKey + "\"";
    }
}
