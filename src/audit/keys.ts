// Audit stage: the Ed25519 key that signs checkpoints, kept in PEM files (PKCS#8 private, SPKI public),
// and the signing and checking of a checkpoint body over its canonical JSON.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { canonicalJson } from './canonical.js';
import type { CheckpointBody } from './entry.js';

/** SigningKey: the private key a log signs with, its public key and the id a checkpoint names. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** KeyError: a key file that cannot be read, or is not an Ed25519 key. */
export class KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyError';
  }
}

/** publicKeyPathFor is where the public key of a private key file is written: `x.pem` → `x.pub.pem`. */
export function publicKeyPathFor(privateKeyPath: string): string {
  return privateKeyPath.endsWith('.pem') ? `${privateKeyPath.slice(0, -4)}.pub.pem` : `${privateKeyPath}.pub.pem`;
}

/** generateSigningKey makes a new key pair and writes both PEM files (the private one readable by its owner only). */
export async function generateSigningKey(
  privateKeyPath: string,
  publicKeyPath = publicKeyPathFor(privateKeyPath),
): Promise<SigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  await mkdir(dirname(privateKeyPath), { recursive: true });
  await writeFile(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  await writeFile(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** loadSigningKey reads a private key file; when it does not exist and `create` is set, a new key is made. */
export async function loadSigningKey(
  privateKeyPath: string,
  options: {
    create?: boolean;
    publicKeyPath?: string;
    onCreated?: (privateKeyPath: string, publicKeyPath: string) => void;
  } = {},
): Promise<SigningKey> {
  let pem: string;
  try {
    pem = await readFile(privateKeyPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && options.create) {
      const publicKeyPath = options.publicKeyPath ?? publicKeyPathFor(privateKeyPath);
      const made = await generateSigningKey(privateKeyPath, publicKeyPath);
      options.onCreated?.(privateKeyPath, publicKeyPath);
      return made;
    }
    throw new KeyError(`cannot read the signing key ${privateKeyPath}: ${(err as Error).message}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new KeyError(`${privateKeyPath} is not a PEM private key: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new KeyError(
      `${privateKeyPath} is a ${privateKey.asymmetricKeyType} key; checkpoints are signed with Ed25519`,
    );
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** readPublicKey reads a PEM public key (or the public half of a PEM private key). */
export async function readPublicKey(path: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    throw new KeyError(`cannot read the public key ${path}: ${(err as Error).message}`);
  }
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519')
      throw new KeyError(`${path} is a ${key.asymmetricKeyType} key; checkpoints are signed with Ed25519`);
    return key;
  } catch (err) {
    if (err instanceof KeyError) throw err;
    throw new KeyError(`${path} is not a PEM public key: ${(err as Error).message}`);
  }
}

/** keyIdOf is `sha256:` and the digest of the key's SubjectPublicKeyInfo (DER). */
export function keyIdOf(publicKey: KeyObject): string {
  return `sha256:${createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

/** publicKeyFromBase64 rebuilds the key a checkpoint names (SPKI DER, base64). */
export function publicKeyFromBase64(spki: string): KeyObject {
  return createPublicKey({ key: Buffer.from(spki, 'base64'), format: 'der', type: 'spki' });
}

/** signCheckpoint signs a checkpoint body; the signature is base64. */
export function signCheckpoint(body: CheckpointBody, key: SigningKey): string {
  return sign(null, Buffer.from(canonicalJson(body), 'utf8'), key.privateKey).toString('base64');
}

/** checkSignature verifies a checkpoint's signature with a public key. */
export function checkSignature(body: CheckpointBody, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(canonicalJson(body), 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
