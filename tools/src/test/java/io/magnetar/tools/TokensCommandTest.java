package io.magnetar.tools;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code magnetar tokens}: keys and tokens as {@code pulsar tokens} makes them, and their validation.
 */
class TokensCommandTest
{
    @TempDir
    File dir;

    @RegisterExtension
    final CapturedStreams streams = new CapturedStreams();

    @Test
    void shouldSignWithASecretKeyAndRefuseAnotherKeyATamperedOrAnExpiredToken() throws Exception
    {
        final File secret = new File(dir, "secret.key");
        assertEquals(0, run("tokens", "create-secret-key", "--output", secret.getPath()));
        assertEquals(32, Files.size(secret.toPath()), "raw key bytes, as pulsar tokens writes them");

        assertEquals(0, run("tokens", "create", "--secret-key", secret.getPath(), "--subject", "admin",
            "--expiry-time", "1h"));
        final String token = output();
        assertEquals(3, token.split("\\.").length, token);

        assertEquals(0, run("tokens", "validate", "--secret-key", secret.getPath(), token));
        assertTrue(output().startsWith("subject admin, expires "), output());

        final File other = new File(dir, "other.key");
        assertEquals(0, run("tokens", "create-secret-key", "--output", other.getPath(), "--base64"));
        assertEquals(1, run("tokens", "validate", "--secret-key", other.getPath(), token));
        assertEquals("invalid: bad signature", output());

        final String[] parts = token.split("\\.");
        final String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        assertEquals(1, run("tokens", "validate", "--secret-key", secret.getPath(), tampered));
        assertTrue(output().startsWith("invalid: "), output());

        final SignedJWT expired = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
            .subject("admin").expirationTime(new Date(System.currentTimeMillis() - 1000)).build());
        expired.sign(new MACSigner(Files.readAllBytes(secret.toPath())));
        assertEquals(1, run("tokens", "validate", "--secret-key", secret.getPath(), expired.serialize()));
        assertTrue(output().startsWith("invalid: expired at "), output());

        assertEquals(0, run("tokens", "create", "--secret-key", other.getPath(), "--subject", "app"));
        final String withBase64Key = output();
        assertEquals(0, run("tokens", "validate", "--secret-key", other.getPath(), withBase64Key));
        assertEquals("subject app, no expiry", output());
    }

    @Test
    void shouldSignWithAPrivateKeyAndVerifyWithThePublicOne() throws Exception
    {
        final File privateKey = new File(dir, "private.key");
        final File publicKey = new File(dir, "public.key");
        assertEquals(0, run("tokens", "create-key-pair", "--output-private-key", privateKey.getPath(),
            "--output-public-key", publicKey.getPath()));

        assertEquals(0, run("tokens", "create", "--private-key", privateKey.getPath(), "--subject", "app1"));
        final String token = output();
        assertEquals(0, run("tokens", "validate", "--public-key", publicKey.getPath(), token));
        assertEquals("subject app1, no expiry", output());

        final File otherPrivate = new File(dir, "other-private.key");
        final File otherPublic = new File(dir, "other-public.key");
        assertEquals(0, run("tokens", "create-key-pair", "--output-private-key", otherPrivate.getPath(),
            "--output-public-key", otherPublic.getPath()));
        assertEquals(1, run("tokens", "validate", "--public-key", otherPublic.getPath(), token));
        assertEquals("invalid: bad signature", output());
    }

    @Test
    void shouldRefuseBadInputWithOneLine()
    {
        assertEquals(2, run("tokens", "create", "--subject", "admin"));
        assertEquals(2, run("tokens", "create", "--secret-key", new File(dir, "missing").getPath(),
            "--subject", "admin"));
        assertTrue(errors().contains("--secret-key: cannot read"), errors());
        assertEquals(2, run("tokens", "create", "--secret-key", "data:;base64,AAAA", "--subject", "a",
            "--expiry-time", "soon"));
        assertTrue(errors().contains("--expiry-time: bad duration"), errors());
        assertEquals(2, run("tokens"));
    }

    private int run(final String... args)
    {
        streams.reset();
        return MagnetarTool.commandLine().execute(args);
    }

    private String output()
    {
        return streams.out().strip();
    }

    private String errors()
    {
        return streams.err();
    }
}
