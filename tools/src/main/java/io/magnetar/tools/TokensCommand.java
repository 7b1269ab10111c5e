package io.magnetar.tools;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.magnetar.broker.policy.Durations;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.Callable;

/**
 * {@code magnetar tokens ...}: keys and JWT tokens for authentication, shaped like {@code pulsar tokens}. HS256 with
 * a secret key, RS256 with a key pair; the keys are written as Pulsar writes them (raw secret bytes, PKCS#8 and X.509
 * DER), so the two can share them. Signing and parsing are the Nimbus JOSE+JWT library's.
 */
@Command(
    name = "tokens",
    mixinStandardHelpOptions = true,
    description = "Create keys and JWT tokens for authentication, as pulsar tokens does.",
    subcommands = {
        TokensCommand.CreateSecretKey.class,
        TokensCommand.CreateKeyPair.class,
        TokensCommand.Create.class,
        TokensCommand.Validate.class
    })
final class TokensCommand implements Callable<Integer>
{
    private static final int SECRET_KEY_BYTES = 32;
    private static final int RSA_KEY_BITS = 2048;
    private static final String BASE64_DATA_PREFIX = "data:;base64,";

    @Spec
    CommandSpec spec;

    /**
     * Without a sub-command: say which are there and fail.
     *
     * @return exit code 2.
     */
    public Integer call()
    {
        return MagnetarTool.missingSubcommand(spec, "create-secret-key --output FILE");
    }

    /**
     * {@code tokens create-secret-key}: a random 256-bit key for HS256.
     */
    @Command(name = "create-secret-key", mixinStandardHelpOptions = true,
        description = "Create a secret key for HS256 tokens: 32 random bytes, to a file or, base64, to stdout.")
    static final class CreateSecretKey implements Callable<Integer>
    {
        @Option(names = { "-o", "--output" }, description = "File to write the key to (raw bytes, or base64 with " +
            "--base64); without it the key is printed in base64.")
        File output;

        @Option(names = { "-b", "--base64" }, description = "Write the key to the file in base64.")
        boolean base64;

        public Integer call()
        {
            final byte[] key = new byte[SECRET_KEY_BYTES];
            new SecureRandom().nextBytes(key);
            try
            {
                if (null == output)
                {
                    System.out.println(Base64.getEncoder().encodeToString(key));
                }
                else
                {
                    Files.write(output.toPath(), base64 ?
                        Base64.getEncoder().encode(key) : key);
                }
                return 0;
            }
            catch (final IOException ex)
            {
                System.err.println("tokens create-secret-key: cannot write " + output + ": " + ex.getMessage());
                return 1;
            }
        }
    }

    /**
     * {@code tokens create-key-pair}: an RSA key pair for RS256.
     */
    @Command(name = "create-key-pair", mixinStandardHelpOptions = true,
        description = "Create an RSA key pair for RS256 tokens: the private key (PKCS#8 DER) signs, the public key " +
            "(X.509 DER) is what the broker verifies with.")
    static final class CreateKeyPair implements Callable<Integer>
    {
        @Option(names = "--output-private-key", required = true, description = "File for the private key.")
        File privateKeyFile;

        @Option(names = "--output-public-key", required = true, description = "File for the public key.")
        File publicKeyFile;

        public Integer call()
        {
            try
            {
                final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(RSA_KEY_BITS);
                final KeyPair pair = generator.generateKeyPair();
                Files.write(privateKeyFile.toPath(), pair.getPrivate().getEncoded());
                Files.write(publicKeyFile.toPath(), pair.getPublic().getEncoded());
                return 0;
            }
            catch (final GeneralSecurityException | IOException ex)
            {
                System.err.println("tokens create-key-pair: " + ex.getMessage());
                return 1;
            }
        }
    }

    /**
     * The key a token is signed or verified with: a secret key, or one key of a pair.
     */
    static final class SigningKey
    {
        @Option(names = "--secret-key", description = "Secret key file (HS256), or data:;base64,KEY.")
        String secretKey;

        @Option(names = "--private-key", description = "Private key file (RS256).")
        String privateKey;

        @Option(names = "--public-key", description = "Public key file (RS256).")
        String publicKey;
    }

    /**
     * {@code tokens create}: a signed token for a role.
     */
    @Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a token for a role (the subject), signed with a secret key (HS256) or a private key " +
            "(RS256); prints it.")
    static final class Create implements Callable<Integer>
    {
        @ArgGroup(exclusive = true, multiplicity = "1")
        SigningKey key;

        @Option(names = { "-s", "--subject" }, required = true, description = "Role the token stands for.")
        String subject;

        @Option(names = { "-e", "--expiry-time" }, description = "Lifetime: seconds or a duration (30s, 10m, 1h, " +
            "1d, 2w); none by default (keep tokens short-lived: the native transport is cleartext).")
        String expiryTime;

        public Integer call()
        {
            try
            {
                if (null != key.publicKey)
                {
                    throw new IllegalArgumentException("a token is signed with --secret-key or --private-key, not " +
                        "--public-key");
                }
                if (subject.isBlank())
                {
                    throw new IllegalArgumentException("--subject is blank");
                }
                final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(subject);
                if (null != expiryTime)
                {
                    final long lifetimeMs = Durations.toMillis("--expiry-time", expiryTime);
                    claims.expirationTime(new Date(System.currentTimeMillis() + lifetimeMs));
                }

                final JWSSigner signer;
                final JWSAlgorithm algorithm;
                if (null != key.secretKey)
                {
                    signer = new MACSigner(readKey(key.secretKey, "--secret-key"));
                    algorithm = JWSAlgorithm.HS256;
                }
                else
                {
                    signer = new RSASSASigner(KeyFactory.getInstance("RSA").generatePrivate(
                        new PKCS8EncodedKeySpec(readKey(key.privateKey, "--private-key"))));
                    algorithm = JWSAlgorithm.RS256;
                }

                final SignedJWT token = new SignedJWT(new JWSHeader(algorithm), claims.build());
                token.sign(signer);
                System.out.println(token.serialize());
                return 0;
            }
            catch (final IllegalArgumentException ex)
            {
                System.err.println("tokens create: " + ex.getMessage());
                return 2;
            }
            catch (final JOSEException | GeneralSecurityException ex)
            {
                System.err.println("tokens create: cannot sign with that key: " + ex.getMessage());
                return 1;
            }
        }
    }

    /**
     * {@code tokens validate}: check a token's signature and expiry, and print its subject.
     */
    @Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a token's signature (with the secret key, or the public key) and expiry; prints its " +
            "subject and expiry. Exit code 0 if valid, 1 if not.")
    static final class Validate implements Callable<Integer>
    {
        @ArgGroup(exclusive = true, multiplicity = "1")
        SigningKey key;

        @Parameters(index = "0", description = "The token.")
        String token;

        public Integer call()
        {
            try
            {
                if (null != key.privateKey)
                {
                    throw new IllegalArgumentException("a token is checked with --secret-key or --public-key");
                }
                final JWSVerifier verifier = null != key.secretKey ?
                    new MACVerifier(readKey(key.secretKey, "--secret-key")) :
                    new RSASSAVerifier((RSAPublicKey)KeyFactory.getInstance("RSA").generatePublic(
                        new X509EncodedKeySpec(readKey(key.publicKey, "--public-key"))));
                final SignedJWT jwt = SignedJWT.parse(token.trim());
                if (!jwt.verify(verifier))
                {
                    System.out.println("invalid: bad signature");
                    return 1;
                }
                final JWTClaimsSet claims = jwt.getJWTClaimsSet();
                final Date expiry = claims.getExpirationTime();
                if (null != expiry && expiry.before(new Date()))
                {
                    System.out.println("invalid: expired at " + expiry.toInstant());
                    return 1;
                }
                System.out.println("subject " + claims.getSubject() +
                    (null == expiry ? ", no expiry" : ", expires " + Instant.ofEpochMilli(expiry.getTime())));
                return 0;
            }
            catch (final ParseException ex)
            {
                System.out.println("invalid: malformed token: " + ex.getMessage());
                return 1;
            }
            catch (final IllegalArgumentException ex)
            {
                System.err.println("tokens validate: " + ex.getMessage());
                return 2;
            }
            catch (final JOSEException | GeneralSecurityException | ClassCastException ex)
            {
                System.err.println("tokens validate: cannot verify with that key: " + ex.getMessage());
                return 1;
            }
        }
    }

    /**
     * @param location a file, or {@code data:;base64,KEY}.
     * @param option   naming it, for errors.
     * @return the key's bytes; a file holding base64 text (as {@code create-secret-key --base64} writes) is decoded.
     */
    static byte[] readKey(final String location, final String option)
    {
        if (location.startsWith(BASE64_DATA_PREFIX))
        {
            return decodeBase64(location.substring(BASE64_DATA_PREFIX.length()), option);
        }
        final File file = new File(location.startsWith("file://") ? location.substring("file://".length()) : location);
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file.toPath());
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException(option + ": cannot read " + file + ": " + ex);
        }

        final String text = new String(bytes, StandardCharsets.US_ASCII).trim();
        if (!text.isEmpty() && text.chars().allMatch(TokensCommand::isBase64Char) && text.length() % 4 == 0 &&
            bytes.length > SECRET_KEY_BYTES)
        {
            return decodeBase64(text, option);
        }

        return bytes;
    }

    private static byte[] decodeBase64(final String text, final String option)
    {
        try
        {
            return Base64.getDecoder().decode(text.trim());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(option + ": not base64: " + ex.getMessage());
        }
    }

    private static boolean isBase64Char(final int c)
    {
        return Character.isLetterOrDigit(c) || '+' == c || '/' == c || '=' == c;
    }
}
