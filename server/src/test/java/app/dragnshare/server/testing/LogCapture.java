package app.dragnshare.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log records of the servers running in this JVM while a test provokes them: a handler on
 * the root logger, removed on close. Loggers named at the start are opened down to FINE for the
 * while, so a test can also see the quiet lines.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final List<Logger> opened = new ArrayList<>();
    private final List<Level> previousLevels = new ArrayList<>();

    private LogCapture(String... fineLoggers) {
        setLevel(Level.ALL);
        for (String name : fineLoggers) {
            Logger logger = Logger.getLogger(name);
            opened.add(logger); // held: JUL keeps loggers weakly, and would forget the level
            previousLevels.add(logger.getLevel());
            logger.setLevel(Level.FINE);
        }
        Logger.getLogger("").addHandler(this);
    }

    public static LogCapture start(String... fineLoggers) {
        return new LogCapture(fineLoggers);
    }

    /** WARNING and SEVERE records so far, one line each (with the exception's class), for assertion messages. */
    public List<String> warnings() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(LogCapture::line).toList();
    }

    /** Records from {@code loggerName} at exactly {@code level}, one line each. */
    public List<String> lines(String loggerName, Level level) {
        return records.stream().filter(r -> loggerName.equals(r.getLoggerName()) && r.getLevel().equals(level))
                .map(LogCapture::line).toList();
    }

    private static String line(LogRecord r) {
        return r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
                + (r.getThrown() == null ? "" : " [" + r.getThrown() + "]");
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
        for (int i = 0; i < opened.size(); i++) {
            opened.get(i).setLevel(previousLevels.get(i));
        }
    }
}
