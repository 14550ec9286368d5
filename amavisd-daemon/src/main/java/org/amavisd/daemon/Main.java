package org.amavisd.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.amavisd.policy.conf.AmavisConf;
import org.amavisd.policy.conf.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The amavisd command line, shaped like amavisd-new's: {@code amavisd [-c FILE|DIR] [options] COMMAND}. */
@Command(
        name = "amavisd",
        mixinStandardHelpOptions = true,
        version = "amavisd (Java) 0.1.0",
        description = "A mail content filter in the tradition of amavisd-new.%n"
                + "COMMAND: foreground | debug | start | stop | reload | status | showconfig [BANK]%n"
                + "         | genrsa FILE [BITS] | showkeys [DOMAIN...] | testkeys [DOMAIN...]",
        sortOptions = false)
public final class Main implements Callable<Integer> {
    @Option(
            names = "-c",
            paramLabel = "FILE|DIR",
            description = "amavisd.conf, or a conf.d directory read in lexical order (default: embedded defaults)")
    Path config;

    @Option(names = "-m", paramLabel = "N", description = "overrides $max_servers")
    Integer maxServers;

    @Option(names = "-d", paramLabel = "LEVEL", description = "overrides $log_level (0-5)")
    Integer logLevel;

    @Option(names = "-T", paramLabel = "DIR", description = "overrides $TEMPBASE")
    Path tempBase;

    @Option(names = "-P", paramLabel = "FILE", description = "overrides $pid_file")
    Path pidFile;

    @Option(names = "--detached", hidden = true, description = "set by 'start' for the background process")
    boolean detached;

    @Parameters(index = "0", defaultValue = "start", paramLabel = "COMMAND")
    String command;

    @Parameters(
            index = "1..*",
            arity = "0..*",
            paramLabel = "ARG",
            description = "showconfig: a policy bank to load; genrsa: FILE [BITS]; showkeys, testkeys: domains")
    List<String> arguments = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return new CommandLine(new Main())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args);
    }

    @Override
    public Integer call() {
        LogSetup.bootstrap();
        try {
            switch (command) {
                case "foreground":
                    return foreground(false);
                case "debug":
                    if (logLevel == null) logLevel = 5;
                    return foreground(false);
                case "start": // the whole configuration is checked here, so that its error reaches the terminal
                    return detached ? foreground(true) : DaemonControl.start(this, checkedSettings());
                case "stop":
                    return DaemonControl.stop(controlPidFile());
                case "reload":
                    // a bad config is refused before any signal
                    return DaemonControl.reload(checkedSettings().pidFile());
                case "status":
                    return DaemonControl.status(controlPidFile());
                case "showconfig": {
                    long t0 = System.nanoTime();
                    AmavisConf conf = loadConfig();
                    Amavisd.check(conf); // what start would refuse, showconfig refuses too
                    System.out.printf("# configuration read in %.1f ms%n", (System.nanoTime() - t0) / 1e6);
                    return ShowConfig.print(conf, arguments.isEmpty() ? null : arguments.get(0), System.out);
                }
                case "genrsa":
                    return genrsa();
                case "showkeys":
                case "testkeys":
                    return dkimKeys(command.equals("testkeys"));
                default:
                    System.err.println("amavisd: unknown command '" + command
                            + "' (foreground, debug, start, stop, reload, status, showconfig, genrsa, showkeys,"
                            + " testkeys)");
                    return 2;
            }
        } catch (ConfigException e) {
            System.err.println("amavisd: configuration error: " + e.getMessage());
            if (command.equals("stop") || command.equals("status")) {
                System.err.println(
                        "amavisd: to reach the running daemon without reading the configuration, name its pid file: -P FILE");
            }
            return 1;
        } catch (RuntimeException e) {
            // a value no check foresaw: still one line, not a stack trace (-d 5 shows the trace)
            System.err.println("amavisd: configuration error: " + (config == null ? "<default>" : config)
                    + ": cannot use the configuration (an internal error, please report it): " + e);
            if (logLevel != null && logLevel >= 5) e.printStackTrace();
            return 1;
        }
    }

    /** amavisd genrsa FILE [BITS]: a new RSA key for dkim_key, as amavisd-new writes one (mode 0600). */
    private int genrsa() {
        if (arguments.isEmpty() || arguments.size() > 2) {
            System.err.println("amavisd: usage: amavisd genrsa FILE [BITS]");
            return 2;
        }
        int bits = 1024; // amavisd-new's default
        if (arguments.size() == 2) {
            try {
                bits = Integer.parseInt(arguments.get(1));
            } catch (NumberFormatException e) {
                System.err.println("amavisd: genrsa: BITS must be a number, not '" + arguments.get(1) + "'");
                return 2;
            }
        }
        try {
            System.out.println(org.amavisd.dkim.KeyCommands.genrsa(Path.of(arguments.get(0)), bits));
            return 0;
        } catch (IOException | RuntimeException e) {
            System.err.println("amavisd: genrsa: " + e.getMessage());
            return 1;
        }
    }

    /** amavisd showkeys / testkeys [DOMAIN...]: the TXT records to publish, or their check in DNS. */
    private int dkimKeys(boolean test) throws ConfigException {
        AmavisConf conf = loadConfig();
        List<org.amavisd.dkim.SigningKey> keys;
        try {
            keys = org.amavisd.dkim.SigningKey.load(conf.dkimKeys());
        } catch (IOException | RuntimeException e) {
            System.err.println("amavisd: cannot read a dkim_key key file: " + e.getMessage());
            return 1;
        }
        if (keys.isEmpty()) {
            System.err.println("amavisd: no dkim_key(...) in the configuration");
            return 1;
        }
        try {
            if (!test) {
                System.out.print(org.amavisd.dkim.KeyCommands.showkeys(keys, arguments));
                return 0;
            }
            String resolver = conf.scalar("$dkim_dns_resolver").orElse(null);
            double timeout = conf.get("$dkim_dns_timeout")
                    .map(v -> v.asString().trim())
                    .filter(v -> v.matches("[0-9.]+"))
                    .map(Double::parseDouble)
                    .orElse(10.0);
            String out = org.amavisd.dkim.KeyCommands.testkeys(
                    keys, arguments, org.amavisd.dkim.DnsTxtLookup.fromSettings(resolver, timeout));
            System.out.print(out);
            return out.contains("=> pass") && !out.matches("(?s).*=> (?!pass).*") ? 0 : 1;
        } catch (IOException e) {
            System.err.println("amavisd: " + command + ": " + e.getMessage());
            return 1;
        }
    }

    /** stop and status need only the pid file: with -P they work even when the configuration is broken. */
    private Path controlPidFile() throws ConfigException {
        return pidFile != null ? pidFile : settings().pidFile();
    }

    AmavisConf loadConfig() throws ConfigException {
        return config == null ? AmavisConf.defaults() : AmavisConf.load(config);
    }

    /** The settings, once the whole configuration passed the daemon's checks. */
    DaemonSettings checkedSettings() throws ConfigException {
        AmavisConf conf = loadConfig();
        Amavisd.check(conf);
        return override(DaemonSettings.from(conf));
    }

    DaemonSettings settings() throws ConfigException {
        return override(DaemonSettings.from(loadConfig()));
    }

    DaemonSettings override(DaemonSettings s) {
        return new DaemonSettings(
                s.myhostname(),
                s.listeners(),
                maxServers != null ? maxServers : s.maxServers(),
                s.inetAcl(),
                s.forwardMethod(),
                s.notifyMethod(),
                s.myHome(),
                tempBase != null ? tempBase : s.tempBase(),
                pidFile != null ? pidFile : s.pidFile(),
                logLevel != null ? logLevel : s.logLevel(),
                s.logFile(),
                s.doSyslog(),
                s.syslogFacility(),
                s.syslogIdent(),
                s.smtpdTimeout(),
                s.messageSizeLimit(),
                s.recipientLimit(),
                s.preserveEvidence(),
                s.relayTimeouts());
    }

    /** The arguments that make a background copy of this command line. */
    List<String> detachedArgs() {
        List<String> a = new ArrayList<>();
        if (config != null) a.addAll(List.of("-c", config.toAbsolutePath().toString()));
        if (maxServers != null) a.addAll(List.of("-m", maxServers.toString()));
        if (logLevel != null) a.addAll(List.of("-d", logLevel.toString()));
        if (tempBase != null) a.addAll(List.of("-T", tempBase.toAbsolutePath().toString()));
        if (pidFile != null) a.addAll(List.of("-P", pidFile.toAbsolutePath().toString()));
        a.add("--detached");
        a.add("start");
        return a;
    }

    /** Runs in this process until SIGTERM/SIGINT; SIGHUP reloads. */
    private int foreground(boolean background) throws ConfigException {
        Amavisd daemon = new Amavisd(this::loadConfig, this::override, !background);
        DaemonSettings s = daemon.settings();
        Optional<ProcessHandle> other = PidFile.running(s.pidFile());
        if (other.isPresent() && other.get().pid() != ProcessHandle.current().pid()) {
            System.err.println("amavisd: already running (pid " + other.get().pid() + ", " + s.pidFile() + ")");
            return 1;
        }
        if (config == null)
            org.slf4j.LoggerFactory.getLogger(Main.class).info("no -c given: running on embedded defaults");
        try {
            daemon.start();
        } catch (IOException e) {
            System.err.println("amavisd: cannot start: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(Main.class).error("cannot start: {}", e.getMessage());
            return 1;
        }
        long pid = ProcessHandle.current().pid();
        CountDownLatch stopped = new CountDownLatch(1);
        Signals.onReload(daemon::reload);
        Signals.onStop(() -> {
            daemon.stop();
            PidFile.remove(daemon.settings().pidFile(), pid);
            stopped.countDown();
        });
        try {
            PidFile.write(daemon.settings().pidFile(), pid);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(Main.class)
                    .warn("cannot write pid file {}: {}", s.pidFile(), e.toString());
        }
        try {
            while (!stopped.await(1, TimeUnit.HOURS)) {
                // the workers and the acceptor do the work; this thread only waits for a stop
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    static String readTail(Path file, int maxBytes) {
        try {
            byte[] all = Files.readAllBytes(file);
            int from = Math.max(0, all.length - maxBytes);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
