package io.hyphae.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The guard against server-side request forgery: a request may go to a loopback, private, link-local (cloud metadata
 * included), shared (CGNAT), unique-local, multicast or unspecified address only when an allowed network covers it.
 * Used at validation for what the URL shows (an address literal or {@code localhost}) and before every request for
 * the addresses the host resolves to.
 */
public final class AddressRules {

    private final List<Cidr> allowed;

    private AddressRules(List<Cidr> allowed) {
        this.allowed = allowed;
    }

    /** Rules that allow the given CIDR blocks; throws {@link IllegalArgumentException} naming a block that does not parse. */
    public static AddressRules allowing(List<String> networks) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String network : networks) {
            cidrs.add(Cidr.parse(network));
        }
        return new AddressRules(List.copyOf(cidrs));
    }

    /**
     * What is wrong with a URL and its allowed networks as far as can be told without resolving its host: a block that
     * does not parse, or a host that is a non-public address no block covers. Null when nothing is.
     */
    public static String check(URI url, List<String> allowNetworks) {
        AddressRules rules;
        try {
            rules = allowing(allowNetworks);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        String host = url.getHost();
        if (host == null) {
            return null;
        }
        Optional<InetAddress> literal = literal(host);
        if (literal.isEmpty()) {
            return null;
        }
        return rules.refusal(host, List.of(literal.get()));
    }

    /** Why a request to {@code host}, which resolved to {@code addresses}, must not be sent; null when it may be. */
    public String refusal(String host, List<InetAddress> addresses) {
        for (InetAddress address : addresses) {
            String kind = nonPublic(address);
            if (kind != null && allowed.stream().noneMatch(c -> c.contains(address))) {
                return "'" + host + "' resolves to " + address.getHostAddress() + ", a " + kind + " address; requests to such"
                        + " addresses are refused unless 'allowNetworks' covers them (e.g. allowNetworks: [" + single(address) + "])";
            }
        }
        return null;
    }

    /**
     * Resolves the host now and applies the rules: why a request to it must not be sent, or empty when it may be (also
     * when the host does not resolve: the request then fails as a connection error).
     */
    public Optional<String> refusal(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            return Optional.ofNullable(refusal(host, List.of(InetAddress.getAllByName(bare))));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The kind of a non-public address, or null for a public one. */
    static String nonPublic(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "loopback";
        }
        if (a.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (a.isLinkLocalAddress()) {
            return "link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "private";
        }
        if (a.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 100 && second >= 64 && second <= 127) {
                return "shared (carrier-grade NAT)";
            }
            if (first == 0 || first >= 240) {
                return "reserved";
            }
        } else if ((b[0] & 0xfe) == 0xfc) {
            return "unique-local";
        } else if (isMappedV4(b)) {
            try {
                return nonPublic(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
            } catch (UnknownHostException e) {
                return "reserved";
            }
        }
        return null;
    }

    private static boolean isMappedV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    private static String single(InetAddress address) {
        return address.getHostAddress() + (address.getAddress().length == 4 ? "/32" : "/128");
    }

    /** An address literal (IPv4 dotted, IPv6 in brackets or not), or {@code localhost}, without a DNS query. */
    static Optional<InetAddress> literal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return Optional.of(InetAddress.getLoopbackAddress());
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.matches("[0-9.]+") || h.contains(":")) {
            try {
                return Optional.of(InetAddress.getByName(h)); // a literal: no lookup
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
