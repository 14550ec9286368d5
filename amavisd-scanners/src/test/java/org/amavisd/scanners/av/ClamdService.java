package org.amavisd.scanners.av;

import java.io.IOException;
import java.nio.file.Path;
import org.amavisd.scanners.LoopbackService;

/**
 * A real clamd on loopback ({@link LoopbackService}, SERVICES=clamd) with the test signature
 * database testenv/start-services.sh builds (EICAR, clamav-testfiles' clam.exe), and the ways the
 * tests reach it.
 */
final class ClamdService {
    private final LoopbackService service;
    final Path state;
    final int port;

    private ClamdService(LoopbackService service) {
        this.service = service;
        this.state = service.state();
        this.port = service.port();
    }

    static void require(boolean present, String what) {
        LoopbackService.require(present, what);
    }

    static ClamdService start() throws IOException, InterruptedException {
        return new ClamdService(
                LoopbackService.start("clamd", "/usr/sbin/clamd", "clamav-daemon", "CLAMD_PORT", firstPort()));
    }

    /** Stops clamd and removes the state directory (idempotent). */
    void stop() throws IOException, InterruptedException {
        service.stop();
    }

    Path unixSocket() {
        return state.resolve("clamd/clamd.sock");
    }

    SocketSpec tcp() {
        return new SocketSpec(null, null, "127.0.0.1", port);
    }

    SocketSpec unix() {
        return new SocketSpec(null, unixSocket(), null, 0);
    }

    Path database() {
        return state.resolve("clamd/db");
    }

    /** A port nobody listens on now, from 23310 on (the others' tests use 3310 and 2xxxx ports). */
    static int freePort() throws IOException {
        return LoopbackService.freePort(firstPort());
    }

    private static int firstPort() {
        return 23310 + (int) (ProcessHandle.current().pid() % 40);
    }
}
