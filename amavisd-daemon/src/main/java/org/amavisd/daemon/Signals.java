package org.amavisd.daemon;

import sun.misc.Signal;

/**
 * SIGHUP reloads, SIGTERM and SIGINT stop gracefully. sun.misc.Signal is the only way a Java 17
 * program can catch SIGHUP; it lives in the jdk.unsupported module, present in every JDK.
 */
@SuppressWarnings("restriction")
final class Signals {
    private Signals() {}

    static void onReload(Runnable action) {
        Signal.handle(new Signal("HUP"), sig -> new Thread(action, "amavisd-reload").start());
    }

    static void onStop(Runnable action) {
        Runnable once = new Runnable() {
            private boolean done;

            @Override
            public synchronized void run() {
                if (done) return;
                done = true;
                action.run();
            }
        };
        Signal.handle(new Signal("TERM"), sig -> new Thread(once, "amavisd-stop").start());
        Signal.handle(new Signal("INT"), sig -> new Thread(once, "amavisd-stop").start());
    }
}
