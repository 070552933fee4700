package org.libnetwork4j.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.store.NetworkRecord;

/**
 * Values other hosts wrote in the cluster store, as a broken or hostile host may write them: a
 * network's record, a peer, an endpoint's names. Each is read into what it says or refused
 * (a typed error, or left out), never another exception that would stop a watch.
 */
class ClusterValuesFuzzTest {

    @FuzzTest(maxDuration = "8s")
    void values(byte which, @NotNull @WithUtf8Length(max = 40) String key,
            @NotNull @WithUtf8Length(max = 2000) String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        switch (Math.floorMod(which, 3)) {
            case 0 -> {
                try {
                    NetworkRecord r = NetworkRecord.fromJson(value);
                    assertTrue(r.id() != null && r.name() != null, value);
                } catch (InvalidParameterException refused) {
                    // what it is meant to do with a value that is no record
                }
            }
            case 1 -> {
                var p = EtcdPeerDirectory.decode("n1", bytes);
                assertTrue(p == null || p.networkId().equals("n1"), value);
            }
            default -> {
                var e = EtcdNameDirectory.decode(EtcdStore.ROOT + "names/" + key, bytes);
                assertTrue(e == null || e.names() != null, value);
            }
        }
    }
}
