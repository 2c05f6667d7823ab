package io.hyphae.format;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.CelByteString;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * JSON events, read with Jackson's streaming parser straight into immutable maps (no tree, no data
 * binding): integers become {@code Long}, decimals {@code Double}, null becomes CEL's null.
 */
public final class JsonFormat implements PayloadFormat {

    private static final int MAX_DEPTH = 64;
    private static final ThreadLocal<ByteArrayBuilder> BUFFER = ThreadLocal.withInitial(() -> new ByteArrayBuilder(4096));

    // Jackson's fast double parser and writer (FastDoubleParser, Schubfach) read and write the same values as the JDK's.
    private final JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .build();

    @Override
    public Map<String, Object> decode(String topic, byte[] bytes) {
        if (bytes == null) {
            throw new FormatException("null value (tombstone): an event needs a JSON object");
        }
        try (JsonParser parser = factory.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new FormatException("expected a JSON object but found " + (first == null ? "no content" : first.asString() == null ? first.name() : "'" + first.asString() + "'"));
            }
            Map<String, Object> value = readObject(parser);
            if (parser.nextToken() != null) {
                throw new FormatException("unexpected content after the JSON object at byte " + parser.currentLocation().getByteOffset());
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new FormatException("invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new FormatException("invalid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the object's fields on the paths and skips the others without building them; a skipped string is still
     * decoded in full ({@code finishToken}), so that bytes {@link #decode} refuses are refused here too.
     */
    @Override
    public Object[] decodeFields(String topic, byte[] bytes, FieldPaths paths) {
        if (bytes == null) {
            throw new FormatException("null value (tombstone): an event needs a JSON object");
        }
        Object[] values = new Object[paths.size()];
        try (JsonParser parser = factory.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new FormatException("expected a JSON object but found " + (first == null ? "no content" : first.asString() == null ? first.name() : "'" + first.asString() + "'"));
            }
            pick(parser, paths.root(), paths, 1, values);
            if (parser.nextToken() != null) {
                throw new FormatException("unexpected content after the JSON object at byte " + parser.currentLocation().getByteOffset());
            }
            return values;
        } catch (JsonProcessingException e) {
            throw new FormatException("invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new FormatException("invalid JSON: " + e.getMessage(), e);
        }
    }

    /** At an object's start: the fields on the paths below {@code node} into {@code values}, the others skipped. */
    private void pick(JsonParser parser, FieldPaths.Node node, FieldPaths paths, int depth, Object[] values) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            FieldPaths.Node child = node.child(parser.currentName());
            JsonToken token = parser.nextToken();
            if (child == null) {
                skip(parser, token);
                continue;
            }
            child.clear(values);
            if (child.isEnd()) {
                child.fill(read(parser), paths.paths(), depth, values);
            } else if (token == JsonToken.START_OBJECT) {
                pick(parser, child, paths, depth + 1, values);
            } else {
                skip(parser, token); // not an object: the paths below it are missing
            }
        }
    }

    private static void skip(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
            int open = 1;
            while (open > 0) {
                JsonToken next = parser.nextToken();
                if (next == null) {
                    throw new FormatException("invalid JSON: unexpected end of input");
                }
                if (next.isStructStart()) {
                    open++;
                } else if (next.isStructEnd()) {
                    open--;
                } else if (next == JsonToken.VALUE_STRING) {
                    parser.finishToken();
                }
            }
        } else if (token == JsonToken.VALUE_STRING) {
            parser.finishToken();
        }
    }

    /** Decodes any JSON value (used for table keys and tests). */
    public Object decodeAny(byte[] bytes) {
        try (JsonParser parser = factory.createParser(bytes)) {
            parser.nextToken();
            return read(parser);
        } catch (JsonProcessingException e) {
            throw new FormatException("invalid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new FormatException("invalid JSON: " + e.getMessage(), e);
        }
    }

    private Map<String, Object> readObject(JsonParser parser) throws IOException {
        ImmutableMap.Builder<String, Object> builder = ImmutableMap.builder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            builder.put(name, read(parser));
        }
        // JSON allows duplicate names; the last one wins, as in most parsers.
        return builder.buildKeepingLast();
    }

    private Object read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT:
                return readObject(parser);
            case START_ARRAY: {
                ImmutableList.Builder<Object> list = ImmutableList.builder();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(parser));
                }
                return list.build();
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return parser.getDoubleValue();
                }
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return Values.NULL;
            default:
                throw new FormatException("unexpected JSON token " + token);
        }
    }

    @Override
    public byte[] encode(String topic, Map<String, Object> value) {
        return encodeValue(value);
    }

    /** Our encoding is compact and ends with the object's closing brace: new fields go just before it. */
    @Override
    public byte[] append(byte[] encoded, Map<String, Object> added) {
        if (added.isEmpty()) {
            return encoded;
        }
        byte[] fields = encodeValue(added);
        boolean empty = encoded.length == 2;
        byte[] out = new byte[encoded.length - 1 + (empty ? 0 : 1) + fields.length - 1];
        System.arraycopy(encoded, 0, out, 0, encoded.length - 1);
        int at = encoded.length - 1;
        if (!empty) {
            out[at++] = ',';
        }
        System.arraycopy(fields, 1, out, at, fields.length - 1);
        return out;
    }

    @Override
    public byte[] encodeValue(Object value) {
        // One buffer per thread, reused: an event is encoded in a single block, and only its bytes are copied out.
        ByteArrayBuilder out = BUFFER.get();
        out.reset();
        try (JsonGenerator generator = factory.createGenerator(out, JsonEncoding.UTF8)) {
            write(generator, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void write(JsonGenerator g, Object value) throws IOException {
        if (Values.isNull(value)) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double d) {
            g.writeNumber(d);
        } else if (value instanceof Float f) {
            g.writeNumber(f);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (value instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (value instanceof Collection<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (value instanceof UnsignedLong u) {
            g.writeNumber(new BigInteger(u.toString()));
        } else if (value instanceof CelByteString bytes) {
            g.writeString(Base64.getEncoder().encodeToString(bytes.toByteArray()));
        } else if (value instanceof Instant || value instanceof Duration) {
            g.writeString(value.toString());
        } else if (value instanceof Number n) {
            g.writeNumber(n.toString());
        } else {
            g.writeString(String.valueOf(value));
        }
    }
}
