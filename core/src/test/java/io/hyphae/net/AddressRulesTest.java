package io.hyphae.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressRulesTest {

    private static final AddressRules NONE_ALLOWED = AddressRules.allowing(List.of());

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255",
        "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.254", "224.0.0.1", "::1", "::", "fe80::1",
        "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:10.0.0.1"})
    void refusesNonPublicAddresses(String address) {
        assertThat(NONE_ALLOWED.refusal(address)).hasValueSatisfying(reason -> assertThat(reason).contains("allowNetworks"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2001:db8::1", "2606:4700::1111"})
    void acceptsPublicAddresses(String address) {
        assertThat(NONE_ALLOWED.refusal(address)).isEmpty();
    }

    @Test
    void allowedNetworksLetNonPublicAddressesThrough() {
        assertThat(AddressRules.allowing(List.of("10.0.0.0/8")).refusal("10.1.2.3")).isEmpty();
        assertThat(AddressRules.allowing(List.of("10.1.2.4/32")).refusal("10.1.2.3")).isPresent();
        assertThat(AddressRules.allowing(List.of("fd00::/8")).refusal("[fd00::5]")).isEmpty();
        assertThat(AddressRules.allowing(List.of("127.0.0.0/8", "::1/128")).refusal("localhost")).isEmpty();
        assertThat(NONE_ALLOWED.refusal("localhost")).isPresent();
    }

    @Test
    void validationSeesLiteralsAndLocalhostWithoutResolving() {
        assertThat(AddressRules.check(URI.create("http://127.0.0.1:8080/hook"), List.of())).contains("loopback").contains("127.0.0.1/32");
        assertThat(AddressRules.check(URI.create("http://localhost/hook"), List.of())).contains("loopback");
        assertThat(AddressRules.check(URI.create("http://[::1]/hook"), List.of())).contains("loopback");
        assertThat(AddressRules.check(URI.create("http://127.0.0.1/hook"), List.of("127.0.0.1/32"))).isNull();
        assertThat(AddressRules.check(URI.create("https://hooks.example.com/x"), List.of())).isNull();
        assertThat(AddressRules.check(URI.create("https://hooks.example.com/x"), List.of("10.0.0.0/33"))).contains("prefix length");
    }

    @Test
    void cidrsMatchOnTheirPrefix() throws Exception {
        Cidr cidr = Cidr.parse("172.16.0.0/12");
        assertThat(cidr.contains(InetAddress.getByName("172.31.1.1"))).isTrue();
        assertThat(cidr.contains(InetAddress.getByName("172.32.1.1"))).isFalse();
        assertThat(cidr.contains(InetAddress.getByName("::1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("1.2.3.4"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/33").contains(InetAddress.getByName("2001:db8:7fff::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/33").contains(InetAddress.getByName("2001:db8:8000::1"))).isFalse();
    }

    @Test
    void rejectsMalformedCidrsWithoutResolvingNames() {
        assertThatThrownBy(() -> Cidr.parse("example.com/24")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
    }
}
