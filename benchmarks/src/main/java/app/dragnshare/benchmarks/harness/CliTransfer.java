package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One Drag-n-Share transfer with the real CLI on both ends: {@code send --once} is started and
 * prints its link; then the clock starts with {@code receive} and stops when it exits, verified
 * (exit 0 means every chunk decrypted; the copy's SHA-256 is checked on top). CPU time is read for
 * each process while the transfer runs.
 *
 * @param seconds wall time of the receiving process, JVM start and handshake included
 * @param cpu     CPU seconds each process spent during the transfer
 */
public record CliTransfer(double seconds, Cpu cpu, double machineBusy, double load1) {

    /** CPU seconds per process; redis is NaN when the server uses an outside Redis. */
    public record Cpu(double sender, double server, double redis, double receiver) {
        public double total() {
            return sender + server + (Double.isNaN(redis) ? 0 : redis) + receiver;
        }
    }

    /** How the two CLI processes of one transfer start; {@code receiveArgs} go after {@code receive}'s own. */
    public record ClientOptions(CliProcesses.Launch send, CliProcesses.Launch receive, java.util.List<String> receiveArgs) {
        public ClientOptions(CliProcesses.Launch send, CliProcesses.Launch receive) {
            this(send, receive, java.util.List.of());
        }
    }

    public static CliTransfer run(ProjectJars jars, ServerUnderTest server, TestData data, WorkDir dir, String tag,
                                  ClientOptions options, CpuMeter meter) throws IOException, InterruptedException {
        return run(jars, server, server.url(), data, dir, tag, options, meter);
    }

    /**
     * @param sharerServer where the sender reaches the server (a {@link DelayProxy} for a long
     *                     link); the receiver gets the link with the server's own address instead
     */
    public static CliTransfer run(ProjectJars jars, ServerUnderTest server, URI sharerServer, TestData data, WorkDir dir,
                                  String tag, ClientOptions options, CpuMeter meter) throws IOException, InterruptedException {
        return run(jars, server, sharerServer, server.url(), data, dir, tag, options, meter);
    }

    /** @param receiverServer where the receiver reaches the server (a {@link DelayProxy} for its long link) */
    public static CliTransfer run(ProjectJars jars, ServerUnderTest server, URI sharerServer, URI receiverServer, TestData data,
                                  WorkDir dir, String tag, ClientOptions options, CpuMeter meter) throws IOException, InterruptedException {
        Path out = Files.createDirectories(dir.resolve("received-" + tag));
        CliProcesses.Sending sending = CliProcesses.send(jars, sharerServer, data.path(), options.send(), dir.path(), tag);
        String link = sending.link().replace(sharerServer.toString(), receiverServer.toString());
        ProcessHandle sender = sending.process().toHandle();
        java.util.List<ProcessHandle> redis = server.embeddedRedis();
        meter.watch(sender);
        meter.watch(server.handle());
        redis.forEach(meter::watch);
        Duration sender0 = meter.cpu(sender);
        Duration server0 = meter.cpu(server.handle());
        Duration redis0 = meter.cpu(redis);
        Machine.CpuTicks machine0 = Machine.CpuTicks.now();
        double load1 = Machine.load1();

        long start = System.nanoTime();
        Process receive = CliProcesses.receive(jars, link, out, options.receive(), dir.path(), tag, options.receiveArgs());
        meter.watch(receive.toHandle());
        Duration limit = limitFor(data.size());
        if (!receive.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            ChildProcesses.stop(receive, Duration.ZERO);
            ChildProcesses.stop(sending.process(), Duration.ZERO);
            throw new IllegalStateException("receive took longer than " + limit.toSeconds() + " s");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double busy = Machine.CpuTicks.now().busySince(machine0);
        Cpu cpu = new Cpu(0, seconds(meter.cpu(server.handle()).minus(server0)),
                redis.isEmpty() ? Double.NaN : seconds(meter.cpu(redis).minus(redis0)), seconds(meter.cpu(receive.toHandle())));
        String receiveErr = Files.readString(dir.resolve("receive-" + tag + ".err"));
        if (receive.exitValue() != 0) {
            ChildProcesses.stop(sending.process(), Duration.ZERO);
            throw new IllegalStateException("receive exited " + receive.exitValue() + ":\n" + receiveErr
                    + "\nsend's stderr:\n" + sending.stderrText());
        }
        if (!sending.process().waitFor(30, TimeUnit.SECONDS) || sending.process().exitValue() != 0) {
            ChildProcesses.stop(sending.process(), Duration.ZERO);
            throw new IllegalStateException("send --once did not exit 0 after the download:\n" + sending.stderrText());
        }
        cpu = new Cpu(seconds(meter.cpu(sender).minus(sender0)), cpu.server(), cpu.redis(), cpu.receiver());

        Path saved = Path.of(Files.readString(dir.resolve("receive-" + tag + ".out")).trim());
        try {
            if (!data.sameAs(saved)) {
                throw new IllegalStateException("the received " + saved + " differs from " + data.path());
            }
        } finally {
            Files.deleteIfExists(saved);
        }
        return new CliTransfer(seconds, cpu, busy, load1);
    }

    /** Generous, so only a hung transfer trips it: a minute plus 2 MB/s. */
    public static Duration limitFor(long bytes) {
        return Duration.ofSeconds(60 + bytes / 2_000_000);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
