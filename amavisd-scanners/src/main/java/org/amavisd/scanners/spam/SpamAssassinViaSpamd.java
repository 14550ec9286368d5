package org.amavisd.scanners.spam;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * amavisd-new's default spam scanner, {@code ['SpamAssassin', 'Amavis::SpamControl::SpamAssassin']},
 * which runs SpamAssassin inside amavisd-new's own Perl process, carried out here by asking
 * spamd (on {@code $spamd_socket}, by default 127.0.0.1:783 then [::1]:783), so that a
 * configuration moved over unchanged still has its spam check.
 *
 * <p>As amavisd-new's module, it tells SpamAssassin a user name per recipient
 * (@sa_username_maps, else {@code $daemon_user}): spamd's "User:" header, one request per distinct
 * name. A spamd that does not answer is warned about once (at start, or when it stops answering)
 * rather than per message; each such message goes the way of any failed spam check (passed
 * without a score, or tempfailed with {@code $spam_scanners_failure_is_fatal}).
 */
public final class SpamAssassinViaSpamd implements SpamScanner {
    private static final Logger log = LoggerFactory.getLogger(SpamAssassinViaSpamd.class);
    public static final String CLASS_NAME = "Amavis::SpamControl::SpamAssassin";

    private final SpamdClient client;
    private final String defaultUser;
    private final AtomicBoolean down = new AtomicBoolean();

    /** @param defaultUser the user name when @sa_username_maps gives none ($daemon_user); null: none */
    public SpamAssassinViaSpamd(SpamdClient client, String defaultUser) {
        this.client = Objects.requireNonNull(client);
        this.defaultUser = defaultUser == null || defaultUser.isEmpty() ? null : defaultUser;
    }

    @Override
    public String name() {
        return client.name();
    }

    @Override
    public String className() {
        return CLASS_NAME;
    }

    public SpamdClient client() {
        return client;
    }

    /** The user name told to spamd when @sa_username_maps has none for a recipient. */
    public String defaultUser() {
        return defaultUser;
    }

    @Override
    public SpamCheck check(SpamRequest request) throws SpamScanException {
        return check(request, defaultUser);
    }

    /** Scans with this user name (null or empty: none). */
    public SpamCheck check(SpamRequest request, String user) throws SpamScanException {
        try {
            SpamCheck c = client.check(request, user);
            if (down.compareAndSet(true, false)) log.info("{}: spamd at {} answers again", name(), client.addresses());
            return c;
        } catch (SpamScanException e) {
            if (e.kind() != SpamScanException.Kind.CONNECT) throw e;
            if (down.compareAndSet(false, true)) warnDown(e);
            throw e.asReported(); // warned once: the message still goes the failed-check way
        }
    }

    /**
     * Asks spamd whether it is there (PING), once at start: one warning when it is not, then
     * nothing more until it answers again.
     *
     * @return whether spamd answered
     */
    public boolean probe() {
        try {
            client.ping();
            down.set(false);
            log.info(
                    "{} ({}): using spamd at {}{}",
                    name(),
                    CLASS_NAME,
                    client.addresses(),
                    defaultUser == null ? "" : ", user " + defaultUser);
            return true;
        } catch (SpamScanException e) {
            down.set(true);
            warnDown(e);
            return false;
        }
    }

    private void warnDown(SpamScanException e) {
        log.warn(
                "{} ({}) is done by spamd, which does not answer at {} ({}); spam checks fail until it"
                        + " does (install spamassassin and start spamd, or point $spamd_socket at it)",
                name(),
                CLASS_NAME,
                client.addresses(),
                e.getMessage());
    }
}
