package org.libnetwork4j.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NetworkOptions;

/**
 * A network's IPAM plugin (its name, options and pool ids) is stored with it, and a record
 * stored before IPAM plugins still reads: the controller's own IPAM, no pool ids.
 */
class IpamPluginRecordTest {

    @Test
    void aRecordWithoutIpamPluginFieldsReadsAsTheControllersOwnIpam() throws Exception {
        ObjectNode doc = (ObjectNode) DatabindCodec.JSON.readTree(Codec.write(StoreTest.network()));
        ((ObjectNode) doc.path("options")).remove(List.of("ipamDriver", "ipamOptions"));
        for (JsonNode a : doc.path("allocations")) {
            ((ObjectNode) a).remove("poolId");
        }
        NetworkRecord r = (NetworkRecord) Codec.read(StoredObject.Kind.NETWORK, doc.toString());
        assertNull(r.options().ipamDriver());
        assertEquals(Map.of(), r.options().ipamOptions());
        assertNull(r.allocations().get(0).poolId());
        assertEquals(StoreTest.network(), r);
    }

    @Test
    void anIpamPluginAndItsPoolIdsComeBack() throws Exception {
        NetworkRecord base = StoreTest.network();
        NetworkOptions o = NetworkOptions.builder().ipamDriver("pyipam").ipamOption("pool", "10.96.0.0/24")
                .subnet("10.96.0.0/24").build();
        NetworkRecord r = new NetworkRecord(base.id(), base.name(), base.type(), base.state(), base.created(), o,
                false, false, "eth", List.of(new NetworkRecord.Allocation(IpPrefix.parse("10.96.0.0/24"), null,
                        IpAddresses.parse("10.96.0.1"), Map.of(), "pypool-1")), Map.of());
        NetworkRecord back = (NetworkRecord) Codec.read(StoredObject.Kind.NETWORK, Codec.write(r));
        assertEquals(r, back);
        assertEquals("pyipam", back.options().ipamDriver());
        assertEquals("pypool-1", back.allocations().get(0).poolId());
        assertNull(NetworkOptions.builder().ipamDriver("default").build().ipamDriver(), "default is the own IPAM");
    }
}
