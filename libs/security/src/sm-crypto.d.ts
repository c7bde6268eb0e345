// Types of the parts of `sm-crypto` (a devDependency) the national suite's interoperability tests
// use: an SM2/SM3/SM4 implementation independent of sm-crypto-v2 and of Node's OpenSSL.
declare module 'sm-crypto' {
  interface SignatureOptions {
    hash?: boolean;
    publicKey?: string;
    userId?: string;
    der?: boolean;
  }
  const smCrypto: {
    sm2: {
      generateKeyPairHex(): { privateKey: string; publicKey: string };
      doSignature(message: number[] | string, privateKey: string, options?: SignatureOptions): string;
      doVerifySignature(message: number[] | string, signature: string, publicKey: string, options?: SignatureOptions): boolean;
    };
    /** hex digest; with `key` (hex), the HMAC-SM3 */
    sm3(message: number[] | string, options?: { key: string }): string;
    sm4: {
      encrypt(input: number[] | string, key: string, options?: { padding?: 'none' | 'pkcs#7'; mode?: 'ecb' | 'cbc'; iv?: string; output?: 'array' | 'string' }): string | number[];
    };
  };
  export default smCrypto;
}
