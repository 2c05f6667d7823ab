package io.hyphae.bench;

import io.hyphae.format.Formats;
import io.hyphae.format.PayloadFormat;
import io.hyphae.route.Format;
import io.hyphae.route.RegistrySettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** What the systems under test share: their arguments, the payload format, and how they report being ready. */
final class Systems {

    private Systems() {
    }

    /** {@code <bootstrap> <prefix> <input> <table> <json|avro> <registryUrl|-> <guarantee> <readyFile>} */
    record Args(String bootstrap, Workload.Topics topics, Format format, String registryUrl, String guarantee, Path readyFile) {
        static Args parse(String[] a) {
            return new Args(a[0], new Workload.Topics(a[1], a[2], a[3]), Format.valueOf(a[4].toUpperCase(java.util.Locale.ROOT)),
                    a[5], a[6], Path.of(a[7]));
        }

        PayloadFormat payloadFormat() {
            RegistrySettings settings = registryUrl.equals("-") ? RegistrySettings.NONE : RegistrySettings.NONE.withUrl(registryUrl);
            return new Formats(settings).of(format, Optional.empty());
        }

        boolean exactlyOnce() {
            return guarantee.startsWith("exactly");
        }

        void ready() throws java.io.IOException {
            Files.writeString(readyFile, "RUNNING\n");
        }
    }
}
