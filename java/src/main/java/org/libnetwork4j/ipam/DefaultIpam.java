package org.libnetwork4j.ipam;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import org.libnetwork4j.AddressPool;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PoolExhaustedException;

/**
 * The default allocator (libnetwork's "default" IPAM driver, local address space), in memory.
 *
 * <ul>
 * <li>Pools: an explicit subnet, or the first predefined subnet (Docker's local defaults, or
 * configured base + size pools) overlapping neither a pool in use nor the host's networks.
 * Overlapping subnets between pools are refused.
 * <li>Addresses: lowest free first, from the pool's ip-range; the network address and the IPv4
 * broadcast address are never handed out. Reserving a specific address (a static IP, the
 * gateway, an aux address, a replayed reservation) works anywhere in the subnet.
 * <li>IPv6 subnets larger than 2^63 addresses allocate from their first 2^63.
 * </ul>
 *
 * <p>Thread-safe (one monitor: allocation is microseconds of work).
 */
public final class DefaultIpam implements Ipam {
    /** The one address space, libnetwork's local default; every pool's id begins with it. */
    public static final String ADDRESS_SPACE = "LocalDefault";

    /** Docker's local defaults: 172.17-31.0.0/16, then 192.168.0.0/16 in /20s. */
    public static final List<AddressPool> LOCAL_DEFAULTS = localDefaults();

    /** How many predefined subnets one request may examine before giving up. */
    private static final int MAX_CANDIDATES = 1 << 20;

    private final List<AddressPool> predefined;
    private final Predicate<IpPrefix> usedByHost;
    private final Map<String, PoolState> pools = new LinkedHashMap<>();

    /**
     * @param predefined where subnets come from when none is asked for (IPv4 and IPv6)
     * @param usedByHost whether a candidate subnet overlaps a network of the host (its routes)
     */
    public DefaultIpam(List<AddressPool> predefined, Predicate<IpPrefix> usedByHost) {
        this.predefined = List.copyOf(predefined);
        this.usedByHost = Objects.requireNonNull(usedByHost, "usedByHost");
    }

    private static List<AddressPool> localDefaults() {
        List<AddressPool> l = new ArrayList<>();
        for (int i = 17; i <= 31; i++) {
            l.add(AddressPool.of("172." + i + ".0.0/16", 16));
        }
        l.add(AddressPool.of("192.168.0.0/16", 20));
        return List.copyOf(l);
    }

    @Override
    public synchronized Pool requestPool(PoolRequest request) {
        IpPrefix subnet = request.subnet();
        if (subnet == null) {
            if (request.ipRange() != null) {
                throw new InvalidParameterException("an ip-range (" + request.ipRange()
                        + ") needs a subnet");
            }
            subnet = findFree(request.ipv6());
        } else {
            if (!subnet.equals(subnet.network())) {
                throw new InvalidParameterException("invalid subnet " + subnet + ": it should be "
                        + subnet.network());
            }
            int maxLen = IpPrefix.bits(subnet.address()) - (subnet.isIpv4() ? 2 : 1);
            if (subnet.length() > maxLen) {
                throw new InvalidParameterException("subnet " + subnet + " is too small: it has room"
                        + " for no address besides its network" + (subnet.isIpv4() ? " and broadcast" : "")
                        + " address");
            }
            for (PoolState p : pools.values()) {
                if (p.subnet.overlaps(subnet)) {
                    throw new ForbiddenException("subnet " + subnet + " overlaps with subnet "
                            + p.subnet + " of another network");
                }
            }
        }
        IpPrefix range = request.ipRange();
        if (range != null) {
            if (range.isIpv4() != subnet.isIpv4() || !range.equals(range.network())
                    || range.length() < subnet.length() || !subnet.contains(range.address())) {
                throw new InvalidParameterException("ip-range " + range + " is not a canonical"
                        + " prefix within subnet " + subnet);
            }
        }
        PoolState p = new PoolState(subnet, range);
        pools.put(p.id, p);
        return new Pool(p.id, subnet, range != null ? range : subnet);
    }

    private IpPrefix findFree(boolean ipv6) {
        int examined = 0;
        for (AddressPool ap : predefined) {
            if (ap.base().isIpv4() == ipv6) {
                continue;
            }
            BigInteger base = toBig(ap.base().address());
            int bits = IpPrefix.bits(ap.base().address());
            BigInteger step = BigInteger.ONE.shiftLeft(bits - ap.size());
            BigInteger count = BigInteger.ONE.shiftLeft(ap.size() - ap.base().length());
            for (BigInteger i = BigInteger.ZERO; i.compareTo(count) < 0 && examined < MAX_CANDIDATES;
                    i = i.add(BigInteger.ONE), examined++) {
                IpPrefix candidate = new IpPrefix(fromBig(base.add(i.multiply(step)), bits), ap.size());
                if (pools.values().stream().noneMatch(p -> p.subnet.overlaps(candidate))
                        && !usedByHost.test(candidate)) {
                    return candidate;
                }
            }
        }
        throw new PoolExhaustedException("no available, non-overlapping " + (ipv6 ? "IPv6" : "IPv4")
                + " address pool among the defaults (all in use by networks or by the host's routes);"
                + " give the network a subnet");
    }

    @Override
    public synchronized void releasePool(String poolId) {
        pools.remove(poolId);
    }

    @Override
    public synchronized InetAddress requestAddress(String poolId, InetAddress preferred) {
        PoolState p = state(poolId);
        if (preferred != null) {
            long off = p.offsetOf(preferred);
            if (off < 0 || off > p.lastOffset) {
                throw new InvalidParameterException("address " + IpAddresses.format(preferred)
                        + " is not in subnet " + p.subnet);
            }
            if (off == 0 || (p.subnet.isIpv4() && off == p.lastOffset)) {
                throw new InvalidParameterException("address " + IpAddresses.format(preferred)
                        + " is the " + (off == 0 ? "network" : "broadcast") + " address of " + p.subnet);
            }
            if (!p.used.add(off)) {
                throw new AlreadyExistsException("address " + IpAddresses.format(preferred)
                        + " is already in use in " + p.subnet);
            }
            return preferred;
        }
        long off = p.used.firstFree(p.rangeLo, p.rangeHi);
        if (off < 0) {
            throw new PoolExhaustedException("no available " + (p.subnet.isIpv4() ? "IPv4" : "IPv6")
                    + " address in " + (p.range != null ? "ip-range " + p.range + " of " : "")
                    + p.subnet);
        }
        p.used.add(off);
        return p.at(off);
    }

    @Override
    public synchronized void releaseAddress(String poolId, InetAddress address) {
        PoolState p = pools.get(poolId);
        if (p != null && address != null) {
            long off = p.offsetOf(address);
            if (off >= 0) {
                p.used.remove(off);
            }
        }
    }

    /**
     * Addresses reserved in the pool (for tests and inspection).
     *
     * @param poolId the pool's id ({@link Pool#id})
     * @return how many, its gateway and aux addresses included
     * @throws NotFoundException if the pool is unknown
     */
    public synchronized long allocated(String poolId) {
        return state(poolId).used.size();
    }

    /**
     * Pools reserved.
     *
     * @return how many pools are reserved now
     */
    public synchronized int poolCount() {
        return pools.size();
    }

    /**
     * A reserved pool, as {@link #requestPool} gave it.
     *
     * @param poolId its id
     * @return the pool
     * @throws NotFoundException if it is not reserved (never, or released)
     */
    public synchronized Pool pool(String poolId) {
        PoolState p = state(poolId);
        return new Pool(p.id, p.subnet, p.range != null ? p.range : p.subnet);
    }

    private PoolState state(String poolId) {
        PoolState p = pools.get(poolId);
        if (p == null) {
            throw new NotFoundException("address pool " + poolId + " not found");
        }
        return p;
    }

    static BigInteger toBig(InetAddress a) {
        return new BigInteger(1, a.getAddress());
    }

    static InetAddress fromBig(BigInteger v, int bits) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[bits / 8];
        int n = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - n, out, out.length - n, n);
        return IpAddresses.of(out);
    }

    /** One reserved subnet and the offsets (from its network address) in use. */
    private static final class PoolState {
        final String id;
        final IpPrefix subnet;
        final IpPrefix range;
        final BigInteger base;
        final int bits;
        final long lastOffset;  // highest offset of the subnet (capped at 2^63 - 1)
        final long rangeLo;     // where dynamic allocation starts and ends
        final long rangeHi;
        final OffsetSet used = new OffsetSet();

        PoolState(IpPrefix subnet, IpPrefix range) {
            this.subnet = subnet;
            this.range = range;
            this.id = ADDRESS_SPACE + "/" + subnet + (range != null ? "/" + range : "");
            this.base = toBig(subnet.address());
            this.bits = IpPrefix.bits(subnet.address());
            this.lastOffset = span(bits - subnet.length());
            long lo;
            long hi;
            if (range == null) {
                lo = 0;
                hi = lastOffset;
            } else {
                lo = toBig(range.address()).subtract(base).longValueExact();
                hi = Math.min(lastOffset, lo + span(bits - range.length()));
            }
            // never the network address; never the IPv4 broadcast address
            this.rangeLo = Math.max(lo, 1);
            this.rangeHi = subnet.isIpv4() ? Math.min(hi, lastOffset - 1) : hi;
        }

        private static long span(int hostBits) {
            return hostBits >= 63 ? Long.MAX_VALUE : (1L << hostBits) - 1;
        }

        long offsetOf(InetAddress a) {
            if (IpPrefix.bits(a) != bits) {
                return -1;
            }
            BigInteger d = toBig(a).subtract(base);
            if (d.signum() < 0 || d.bitLength() > 63) {
                return -1;
            }
            return d.longValue();
        }

        InetAddress at(long offset) {
            return fromBig(base.add(BigInteger.valueOf(offset)), bits);
        }
    }
}
