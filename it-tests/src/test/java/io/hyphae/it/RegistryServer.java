package io.hyphae.it;

/** A real Confluent-compatible schema registry the integration tests run against. */
public interface RegistryServer {

    String url();

    String kind();
}
