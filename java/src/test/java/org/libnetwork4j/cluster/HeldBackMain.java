package org.libnetwork4j.cluster;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.NetworkException;

/**
 * HeldBackTest's client, in a JVM of its own in a host's namespace: {@code HeldBackMain
 * ENDPOINT PREFIX}. Holds changes back under PREFIX and prints, one line each, what became of
 * them: "KEY ok" or "KEY TYPE", the publication's "put ok", what the deletes that carried
 * some returned, and "done".
 */
public final class HeldBackMain {
    private HeldBackMain() {
    }

    public static void main(String[] a) throws Exception {
        String p = a[1];
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
            Thread.sleep(500);
            say("alone " + new String(store.get(p + "alone").orElseThrow(), StandardCharsets.UTF_8));
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
