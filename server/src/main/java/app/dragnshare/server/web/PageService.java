package app.dragnshare.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.staticcontent.ClasspathHandlerConfig;
import io.helidon.webserver.staticcontent.StaticContentFeature;

/**
 * The page, served from the classpath folder {@code web} (the build copies the project's
 * {@code web/} there). An invite path {@code /s/{sessionId}} serves the same page; the secret
 * after its {@code #} never reaches the server.
 */
public final class PageService implements HttpService {
    private final HttpService files = StaticContentFeature.createService(ClasspathHandlerConfig.builder()
            .location("web")
            .welcome("index.html")
            .build());
    private final byte[] indexHtml = read("web/index.html");

    @Override
    public void routing(HttpRules rules) {
        rules.get("/s/{sessionId}", this::invitePage)
                .any(PageService::revalidate)
                .register("/", files);
    }

    /**
     * The page's ES modules carry no version in their names, so a browser must ask again (a cheap
     * 304) rather than mix cached modules of an older release with newer ones.
     */
    private static void revalidate(ServerRequest req, ServerResponse res) {
        res.headers().set(HeaderNames.CACHE_CONTROL, "no-cache");
        res.next();
    }

    private void invitePage(ServerRequest req, ServerResponse res) {
        res.headers().contentType(MediaTypes.TEXT_HTML);
        res.headers().set(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(indexHtml);
    }

    private static byte[] read(String resource) {
        try (InputStream in = PageService.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath; build with ./mvnw package");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
