package org.amavisd.scanners.banned;

import java.util.List;
import java.util.Optional;

/**
 * The outcome for a message: every leaf part that a rule decided on, in the order amavisd-new
 * walks the tree (breadth first), banned and explicitly allowed ones.
 */
public record BannedVerdict(List<BannedPart> decided) {
    public static final BannedVerdict NONE = new BannedVerdict(List.of());

    public BannedVerdict {
        decided = List.copyOf(decided);
    }

    public List<BannedPart> bannedParts() {
        return decided.stream().filter(BannedPart::banned).toList();
    }

    public boolean isBanned() {
        return decided.stream().anyMatch(BannedPart::banned);
    }

    /** The first banned part's short reason (for "BANNED: %F" and "message contains ..."). */
    public Optional<String> reasonShort() {
        return decided.stream().filter(BannedPart::banned).findFirst().map(BannedPart::reasonShort);
    }

    /** The rules' comments (or regexes) of the banned parts, without repeats. */
    public List<String> ruleComments() {
        return bannedParts().stream().map(BannedPart::ruleComment).distinct().toList();
    }
}
