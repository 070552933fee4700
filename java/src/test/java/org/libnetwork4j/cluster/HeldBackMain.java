package org.libnetwork4j.cluster;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.NetworkException;
import org.libnetwork4j.testing.Eventually;

/**
 * HeldBackTest's client, in a JVM of its own in a host's namespace: {@code HeldBackMain
 * ENDPOINT PREFIX}. Holds changes back under PREFIX and prints, one line each, what became of
 * them: "KEY ok" or "KEY TYPE", the publication's "put ok", what the deletes that carried
 * some returned, and "done".
 *
 * <p>{@code HeldBackMain ENDPOINT PREFIX timers}: a HeldBack whose timer runs only when told,
 * so that a timer set for one batch can be fired after that batch went with a write and a
 * new change is held: it must leave the new change to the next write. Prints what each
 * timer sent and "done"; the test reads which transaction wrote what from etcd's revisions.
 *
 * <p>{@code HeldBackMain ENDPOINT PREFIX cancelled}: a held change that goes with a write whose
 * caller gives up at once; prints "given up true", what became of the change and "done".
 */
public final class HeldBackMain {
    private HeldBackMain() {
    }

    public static void main(String[] a) throws Exception {
        String p = a[1];
        if (a.length > 2 && a[2].equals("timers")) {
            timers(a[0], p);
            return;
        }
        if (a.length > 2 && a[2].equals("cancelled")) {
            cancelled(a[0], p);
            return;
        }
        try (EtcdStore store = EtcdStore.connect(List.of(URI.create(a[0])), Duration.ofSeconds(5))) {
            store.put(p + "moved", utf8("A"), false);
            store.put(p + "held", utf8("B"), false);
            store.put(p + "made", utf8("C"), false);
            store.put(p + "alone", utf8("B"), false);
            // two go with a publication, one of them on a key that moved on (A, not B)
            EtcdStore.Pending moved = store.replaceIfLater(p + "moved", utf8("B"), utf8("C"));
            EtcdStore.Pending held = store.replaceIfLater(p + "held", utf8("B"), utf8("C"));
            EtcdStore.Pending later = store.putLater(p + "later", utf8("L"), false); // whatever it holds
            store.putAllAsync(Map.of(p + "put", utf8("X")), false).await();
            say("put ok");
            outcome("moved", moved);
            outcome("held", held);
            outcome("later", later);
            // made already: the same change again succeeds
            outcome("made", store.replaceIfLater(p + "made", utf8("B"), utf8("C")));
            // no write comes: sent alone by the timer, before it is awaited
            store.replaceIfLater(p + "alone", utf8("B"), utf8("C"));
            // the timer's 20 ms and one transaction; looked at until made (bounded: 10 s)
            say("alone " + Eventually.settled(() -> new String(store.get(p + "alone").orElseThrow(),
                    StandardCharsets.UTF_8), "C"));
            // conditional deletes, with a delete of the caller's; one taken back before it went
            store.put(p + "gone", utf8("D"), false);
            store.put(p + "carrier", utf8("Y"), false);
            EtcdStore.Later gone = store.deleteIfLater(p + "gone", utf8("D"));
            EtcdStore.Later never = store.putLater(p + "never", utf8("N"), false);
            say("cancel " + never.cancel() + " " + never.cancel()); // true once only
            say("carrier " + store.deleteIf(p + "carrier", utf8("Y")));
            outcome("gone", gone);
            // one whose key moved on (A, not D): the caller's delete goes alone and is made
            store.put(p + "carrier", utf8("Y"), false);
            EtcdStore.Later kept = store.deleteIfLater(p + "moved", utf8("D"));
            say("carrier " + store.deleteIf(p + "carrier", utf8("Y")));
            outcome("kept", kept);
        }
        say("done");
        System.exit(0); // the client's threads are not all daemons
    }

    /** Timers told to run by the caller, in the order they were set. */
    private static final class HandTimer extends java.util.concurrent.ScheduledThreadPoolExecutor {
        final java.util.List<Runnable> set = new java.util.ArrayList<>();

        HandTimer() {
            super(1);
        }

        @Override
        public java.util.concurrent.ScheduledFuture<?> schedule(Runnable r, long delay,
                java.util.concurrent.TimeUnit unit) {
            set.add(r);
            return null; // HeldBack keeps no handle on its timers
        }
    }

    private static void timers(String endpoint, String p) throws Exception {
        HandTimer timer = new HandTimer();
        try (io.etcd.jetcd.Client client = jetcd(endpoint)) {
            io.etcd.jetcd.KV kv = client.getKVClient();
            HeldBack held = new HeldBack(kv, timer);
            HeldBack.Change first = held.hold(EtcdStore.bytes(p + "first"), null, EtcdStore.bytes("1"),
                    io.etcd.jetcd.options.PutOption.DEFAULT);
            write(held, p + "w1");
            say("first " + first.result.get(10, java.util.concurrent.TimeUnit.SECONDS));
            // held after the first batch went: its own timer is set
            HeldBack.Change second = held.hold(EtcdStore.bytes(p + "second"), null, EtcdStore.bytes("2"),
                    io.etcd.jetcd.options.PutOption.DEFAULT);
            say("timers " + timer.set.size());
            timer.set.get(0).run(); // the first batch's timer, late: its changes are gone
            Thread.sleep(300); // what it sent, if anything, is in etcd by now
            say("second sent by the first timer " + second.result.isDone());
            write(held, p + "w2");
            say("second " + second.result.get(10, java.util.concurrent.TimeUnit.SECONDS));
            timer.set.get(1).run(); // the second's: nothing held, nothing sent
        } finally {
            timer.shutdownNow();
        }
        say("done");
        System.exit(0);
    }

    /**
     * A change held back on a key that moved on goes with a write whose caller gives up at once
     * (as a timeout cancels it): the transaction fails on the change's condition, and the
     * change must still be sent alone and answered; the write is not sent alone.
     */
    private static void cancelled(String endpoint, String p) throws Exception {
        HandTimer timer = new HandTimer();
        try (io.etcd.jetcd.Client client = jetcd(endpoint)) {
            io.etcd.jetcd.KV kv = client.getKVClient();
            kv.put(EtcdStore.bytes(p + "moved"), EtcdStore.bytes("A")).get(10, java.util.concurrent.TimeUnit.SECONDS);
            HeldBack held = new HeldBack(kv, timer);
            HeldBack.Change moved = held.hold(EtcdStore.bytes(p + "moved"), EtcdStore.bytes("B"),
                    EtcdStore.bytes("C"), io.etcd.jetcd.options.PutOption.DEFAULT);
            io.etcd.jetcd.op.Op put = io.etcd.jetcd.op.Op.put(EtcdStore.bytes(p + "write"), EtcdStore.bytes("w"),
                    io.etcd.jetcd.options.PutOption.DEFAULT);
            java.util.concurrent.CompletableFuture<?> w = held.commitWith(new io.etcd.jetcd.op.Op[] {put},
                    List.of(EtcdStore.bytes(p + "write")));
            say("given up " + w.cancel(true));
            try {
                say("moved " + moved.result.get(10, java.util.concurrent.TimeUnit.SECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                say("moved not answered");
            }
            Thread.sleep(300); // a write sent alone would be in etcd by now
        } finally {
            timer.shutdownNow();
        }
        say("done");
        System.exit(0);
    }

    /** A plain jetcd client of etcd://HOST:PORT, for a HeldBack of the test's own. */
    private static io.etcd.jetcd.Client jetcd(String endpoint) {
        java.net.URI u = java.net.URI.create(endpoint);
        return io.etcd.jetcd.Client.builder().endpoints("http://" + u.getHost() + ":" + u.getPort()).build();
    }

    /** A write of the caller's, a put of key, with what is held back. */
    private static void write(HeldBack held, String key) throws Exception {
        io.etcd.jetcd.op.Op put = io.etcd.jetcd.op.Op.put(EtcdStore.bytes(key), EtcdStore.bytes("w"),
                io.etcd.jetcd.options.PutOption.DEFAULT);
        held.commitWith(new io.etcd.jetcd.op.Op[] {put}, List.of(EtcdStore.bytes(key))).get(10,
                java.util.concurrent.TimeUnit.SECONDS);
    }

    private static void outcome(String name, EtcdStore.Pending change) {
        try {
            change.await();
            say(name + " ok");
        } catch (NetworkException e) {
            say(name + " " + e.getClass().getSimpleName());
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
