package org.libnetwork4j.store;

import java.lang.management.ManagementFactory;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * The store's decode in a JVM that has not run it yet, as at a restarted daemon's first load:
 * every document of a state.db (StoreLoadRun make) decoded on one thread, by the store's codec
 * or by the databind mapping it replaced, timed in that thread's CPU (on this shared 2-core VM
 * the wall time is mostly the other tenants'). First the first record of each kind (mapper
 * made, classes loaded and linked), then all of them three times. One JVM per codec: the
 * other's classes would warm what they share (jackson-core).
 *
 * <pre>ColdDecodeRun STATE_DIR streaming|databind</pre>
 */
public final class ColdDecodeRun {
    private ColdDecodeRun() {
    }

    public static void main(String[] a) throws Exception {
        boolean databind = a[1].equals("databind");
        List<StoredObject.Kind> kinds = new ArrayList<>();
        List<byte[]> docs = new ArrayList<>();
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + a[0] + "/state.db");
                var s = c.createStatement();
                var r = s.executeQuery("SELECT kind, doc FROM objects ORDER BY kind, id")) {
            while (r.next()) {
                kinds.add(StoredObject.Kind.valueOf(r.getString(1)));
                docs.add(r.getBytes(2));
            }
        }
        var threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        Map<StoredObject.Kind, ObjectReader> readers = new EnumMap<>(StoredObject.Kind.class);
        if (databind) {
            ObjectMapper om = CodecBenchmark.databind();
            readers.put(StoredObject.Kind.NETWORK, om.readerFor(NetworkRecord.class));
            readers.put(StoredObject.Kind.ENDPOINT, om.readerFor(EndpointRecord.class));
            readers.put(StoredObject.Kind.SANDBOX, om.readerFor(SandboxRecord.class));
        }
        for (StoredObject.Kind k : StoredObject.Kind.values()) {
            int at = kinds.indexOf(k);
            if (at >= 0) {
                Object o = databind ? readers.get(k).readValue(docs.get(at)) : Codec.read(k, docs.get(at));
            }
        }
        System.out.printf("%s: the first record of each kind: thread cpu %.1f ms%n", a[1],
                (threads.getCurrentThreadCpuTime() - cpu0) / 1e6);
        for (int round = 1; round <= 3; round++) {
            long c0 = threads.getCurrentThreadCpuTime();
            int n = 0;
            for (int i = 0; i < docs.size(); i++) {
                StoredObject.Kind k = kinds.get(i);
                Object o = databind ? readers.get(k).readValue(docs.get(i)) : Codec.read(k, docs.get(i));
                n += o != null ? 1 : 0;
            }
            System.out.printf("%s: all %d documents, round %d: thread cpu %.1f ms%n", a[1], n, round,
                    (threads.getCurrentThreadCpuTime() - c0) / 1e6);
        }
    }
}
