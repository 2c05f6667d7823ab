package io.hyphae.format;

/** Bytes that do not decode as the declared format; the record goes to the dead-letter topic with this message. */
public class FormatException extends RuntimeException {

    public FormatException(String message, Throwable cause) {
        super(message, cause);
    }

    public FormatException(String message) {
        super(message);
    }
}
