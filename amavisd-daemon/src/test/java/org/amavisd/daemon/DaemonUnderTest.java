package org.amavisd.daemon;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The in-process daemon of a socket test ({@link TestDaemon}), stopped after each test:
 * {@code @RegisterExtension final DaemonUnderTest daemon = new DaemonUnderTest();}.
 */
final class DaemonUnderTest implements AfterEachCallback {
    private Amavisd daemon;

    /** Starts a daemon relaying to {@code backEnd} (stopping one still running); returns its port. */
    int start(Path dir, int backEnd, String extra) throws Exception {
        stop();
        daemon = TestDaemon.start(dir, backEnd, extra);
        return port();
    }

    int port() {
        return daemon.ports().get(0);
    }

    Amavisd get() {
        return daemon;
    }

    /** Stops it, waiting for messages in progress; nothing when none runs. */
    void stop() {
        if (daemon != null) daemon.stop();
        daemon = null;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stop();
    }
}
