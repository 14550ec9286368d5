package org.amavisd.core.mail;

import java.util.Objects;
import org.amavisd.core.ccat.CcatList;
import org.amavisd.core.ccat.Destiny;
import org.amavisd.core.smtp.SmtpReply;

/**
 * One envelope recipient and what became of it: the per-recipient record at the heart of the
 * model. Envelope data (address, DSN parameters) is fixed; the outcome (reply, who answered it)
 * is filled in by the pipeline and the relay, once.
 */
public final class Recipient {
    /** Who settled this recipient's fate. */
    public enum Done {
        NOT_DONE,
        BY_FILTER,
        BY_MTA
    }

    private final EmailAddress address;
    private final String notify; // DSN NOTIFY=, null if absent
    private final String orcpt; // DSN ORCPT= as received (addr-type;xtext), null if absent
    private SmtpReply reply;
    private Done done = Done.NOT_DONE;
    private String remoteMtaResponse;
    private volatile boolean local;
    private final CcatList contents = new CcatList();
    private Destiny destiny = Destiny.PASS;
    private String bannedReason;
    private EmailAddress relayAddress;

    public Recipient(EmailAddress address, String notify, String orcpt) {
        this.address = Objects.requireNonNull(address);
        this.notify = notify;
        this.orcpt = orcpt;
    }

    public EmailAddress address() {
        return address;
    }

    public String dsnNotify() {
        return notify;
    }

    public String orcpt() {
        return orcpt;
    }

    /** A recipient in one of our domains (@local_domains_maps): decides direction and header edits. */
    public boolean isLocal() {
        return local;
    }

    public void setLocal(boolean local) {
        this.local = local;
    }

    /** The content categories found for this recipient (amavisd-new's contents_category). */
    public CcatList contents() {
        return contents;
    }

    /** What the policy decided for this recipient: PASS until a category blocks it. */
    public synchronized Destiny destiny() {
        return destiny;
    }

    public synchronized void setDestiny(Destiny destiny) {
        this.destiny = Objects.requireNonNull(destiny);
    }

    /** The banned part as this recipient's rules saw it (the %F of "BANNED: %F"), or null. */
    public synchronized String bannedReason() {
        return bannedReason;
    }

    public synchronized void setBannedReason(String reason) {
        this.bannedReason = reason;
    }

    /**
     * The address the back end is given: the recipient's own, or one with an address extension
     * added by the policy ($recipient_delimiter, %addr_extension_maps_by_ccat).
     */
    public synchronized EmailAddress relayAddress() {
        return relayAddress != null ? relayAddress : address;
    }

    public synchronized void setRelayAddress(EmailAddress a) {
        this.relayAddress = a;
    }

    public synchronized SmtpReply reply() {
        return reply;
    }

    public synchronized Done done() {
        return done;
    }

    public synchronized boolean isDone() {
        return done != Done.NOT_DONE;
    }

    /** The back-end MTA's own reply for this recipient, as it gave it ("250 2.0.0 Ok: queued as X"), or null. */
    public synchronized String remoteMtaResponse() {
        return remoteMtaResponse;
    }

    /** Bounced by our own destiny (D_BOUNCE), not by the back end: the sender hears it from our DSN. */
    public synchronized boolean bouncedByFilter() {
        return done == Done.BY_FILTER && destiny == Destiny.BOUNCE;
    }

    /**
     * Records the answer for this recipient from relaying: {@code reply} is what the front MTA
     * is to get, {@code remoteMtaResponse} the back end's own words (null when we decided
     * without asking it).
     */
    public synchronized void doneByMta(SmtpReply reply, String remoteMtaResponse) {
        this.reply = Objects.requireNonNull(reply);
        this.done = Done.BY_MTA;
        this.remoteMtaResponse = remoteMtaResponse;
    }

    /** Records an answer this filter gave itself (tempfail, reject, discard). */
    public synchronized void doneByFilter(SmtpReply reply) {
        this.reply = Objects.requireNonNull(reply);
        this.done = Done.BY_FILTER;
    }

    @Override
    public String toString() {
        return address.bracketed();
    }
}
