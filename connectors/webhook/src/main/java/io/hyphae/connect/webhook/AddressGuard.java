package io.hyphae.connect.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Refuses to send to a host that resolves to a loopback, any-local, private (10/8, 172.16/12, 192.168/16),
 * link-local (169.254/16, the cloud metadata address among them), carrier-grade NAT (100.64/10), IPv6
 * unique-local (fc00::/7) or multicast address, unless that address is inside one of the allowed networks.
 * A host is refused when any of its addresses is.
 */
public final class AddressGuard {

    private static final Cidr CGNAT = Cidr.parse("100.64.0.0/10");
    private static final Cidr UNIQUE_LOCAL = Cidr.parse("fc00::/7");

    private final List<Cidr> allowed;

    AddressGuard(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Why a request to {@code host} must not be sent, or empty when it may be; resolves the host now. */
    Optional<String> refusal(String host) {
        return refusal(host, allowed);
    }

    /**
     * The check of {@link #refusal}, for validating a configuration: why {@code host} must not be reached
     * with the given allowed networks ({@value WebhookSinkConfig#ALLOW_NETWORKS} as CIDR strings), or empty.
     */
    public static Optional<String> check(String host, List<String> allowNetworks) {
        return refusal(host, allowNetworks.stream().map(Cidr::parse).toList());
    }

    static Optional<String> refusal(String host, List<Cidr> allowed) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            return Optional.empty(); // nothing to guard: the request fails as a connection error
        }
        for (InetAddress address : addresses) {
            String kind = restrictedKind(address);
            if (kind != null && allowed.stream().noneMatch(cidr -> cidr.contains(address))) {
                return Optional.of("host " + host + " resolves to " + address.getHostAddress() + ", a " + kind
                    + " address; to allow it, add its network to allowNetworks ("
                    + WebhookSinkConfig.ALLOW_NETWORKS + "), e.g. " + address.getHostAddress()
                    + (address instanceof Inet4Address ? "/32" : "/128"));
            }
        }
        return Optional.empty();
    }

    static String restrictedKind(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isAnyLocalAddress()) {
            return "any-local";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        if (address instanceof Inet4Address && CGNAT.contains(address)) {
            return "carrier-grade NAT";
        }
        if (address instanceof Inet6Address && UNIQUE_LOCAL.contains(address)) {
            return "unique-local";
        }
        if (address instanceof Inet6Address v6 && v6.getAddress()[0] == 0 && isMappedOrCompatibleV4(v6)) {
            return "IPv4-mapped";
        }
        return null;
    }

    private static boolean isMappedOrCompatibleV4(Inet6Address address) {
        byte[] b = address.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] == (byte) 0xFF && b[11] == (byte) 0xFF);
    }
}
