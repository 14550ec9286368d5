package org.amavisd.daemon;

import java.nio.file.Files;
import java.nio.file.Path;
import org.amavisd.policy.conf.AmavisConf;

/**
 * An in-process daemon for socket tests: listening on an ephemeral loopback port, relaying (and
 * sending its own mail) to {@code backEnd}, logging to {@code dir/amavisd.log}, with {@code extra}
 * settings appended to its configuration. No spam scanner unless {@code extra} sets
 * @spam_scanners: amavisd-new's default entry would be asked of a spamd on 127.0.0.1:783.
 */
final class TestDaemon {
    private TestDaemon() {}

    static Amavisd start(Path dir, int backEnd, String extra) throws Exception {
        Path conf = dir.resolve("amavisd.conf");
        Files.writeString(
                conf,
                "$MYHOME = '" + dir.resolve("home") + "';\n$inet_socket_port = 0;\n$inet_socket_bind = '127.0.0.1';\n"
                        + "$myhostname = 'amavis.test';\n$LOGFILE = '" + dir.resolve("amavisd.log")
                        + "';\n$forward_method = 'smtp:[127.0.0.1]:" + backEnd + "';\n"
                        + "$notify_method = $forward_method;\n"
                        // no spamd unless a test asks for one (the default entry would ask 127.0.0.1:783)
                        + "@spam_scanners = ();\n"
                        + extra + "1;\n");
        Amavisd daemon = new Amavisd(() -> AmavisConf.load(conf), s -> s, false);
        daemon.start();
        return daemon;
    }
}
