package org.amavisd.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.net.SyslogAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging as amavisd.conf asks for it: $LOGFILE, $DO_SYSLOG ($syslog_facility, $syslog_ident;
 * syslog over UDP to 127.0.0.1:514, since Java cannot write to /dev/log's datagram socket), and
 * the console in foreground mode. $log_level 0-1 logs the message lines and trouble, 2-4 adds
 * protocol detail (DEBUG), 5 everything (TRACE). Re-applied on reload.
 */
final class LogSetup {
    private static final String PATTERN =
            "%d{MMM dd HH:mm:ss} %property{HOSTNAME} %property{IDENT}[%property{PID}]: " + "%lid%msg%n";

    private LogSetup() {}

    static void apply(DaemonSettings s, boolean console) {
        LoggerContext ctx = reset();
        ctx.putProperty("HOSTNAME", s.myhostname());
        ctx.putProperty("IDENT", s.syslogIdent());
        ctx.putProperty("PID", Long.toString(ProcessHandle.current().pid()));
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(s.logLevel()));
        if (console) root.addAppender(start(ctx, new ConsoleAppender<>(), "console"));
        if (s.logFile() != null) {
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setFile(s.logFile());
            file.setAppend(true);
            root.addAppender(start(ctx, file, "file"));
        }
        if (s.doSyslog()) {
            SyslogAppender syslog = new SyslogAppender();
            syslog.setContext(ctx);
            syslog.setName("syslog");
            syslog.setSyslogHost("127.0.0.1");
            syslog.setFacility(s.syslogFacility().toUpperCase(java.util.Locale.ROOT));
            syslog.setSuffixPattern(
                    s.syslogIdent() + "[" + ProcessHandle.current().pid() + "]: " + "%lid%msg");
            syslog.start();
            root.addAppender(syslog);
        }
        // libraries stay quiet unless asked for everything
        ctx.getLogger("org.eclipse").setLevel(s.logLevel() >= 5 ? Level.DEBUG : Level.WARN);
    }

    /** Foreground logging before any configuration is read (errors while reading it). */
    static void bootstrap() {
        LoggerContext ctx = reset();
        ctx.putProperty("HOSTNAME", "localhost");
        ctx.putProperty("IDENT", "amavis");
        ctx.putProperty("PID", Long.toString(ProcessHandle.current().pid()));
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(start(ctx, new ConsoleAppender<>(), "console"));
    }

    @SuppressWarnings("unchecked")
    private static LoggerContext reset() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        java.util.Map<String, String> rules =
                (java.util.Map<String, String>) ctx.getObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY);
        if (rules == null) {
            rules = new java.util.HashMap<>();
            ctx.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY, rules);
        }
        rules.put("lid", LogIdConverter.class.getName());
        return ctx;
    }

    static Level level(int logLevel) {
        if (logLevel >= 5) return Level.TRACE;
        if (logLevel >= 2) return Level.DEBUG;
        return Level.INFO;
    }

    private static <A extends ch.qos.logback.core.OutputStreamAppender<ILoggingEvent>> Appender<ILoggingEvent> start(
            LoggerContext ctx, A appender, String name) {
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern(PATTERN);
        enc.start();
        appender.setContext(ctx);
        appender.setName(name);
        appender.setEncoder(enc);
        if (appender instanceof ConsoleAppender<ILoggingEvent> c) c.setTarget("System.err");
        appender.start();
        return appender;
    }
}
