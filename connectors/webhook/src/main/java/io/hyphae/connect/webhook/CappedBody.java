package io.hyphae.connect.webhook;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** Keeps the first bytes of a response body (for dead letters) and discards the rest as it streams in. */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

    static final int LIMIT = 1024;

    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final byte[] kept = new byte[LIMIT];
    private int length;

    static HttpResponse.BodyHandler<byte[]> handler() {
        return info -> new CappedBody();
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int n = Math.min(buffer.remaining(), LIMIT - length);
            buffer.get(kept, length, n);
            length += n;
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(Arrays.copyOf(kept, length));
    }
}
