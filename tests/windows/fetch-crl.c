/* Test helper for the Windows build under Wine (scripts/windows-test builds it with MinGW):
 * fetches a certificate revocation list into the URL cache. The schannel crate checks
 * revocation "cache only", and Wine 8, unlike Windows, refuses a certificate whose revocation
 * status is unknown; with the test CA's list in the cache, the status is known. */
#include <windows.h>
#include <wincrypt.h>
#include <stdio.h>
int wmain(int argc, wchar_t **argv) {
    void *object = NULL;
    if (argc != 2) { fwprintf(stderr, L"usage: fetch-crl URL\n"); return 2; }
    if (!CryptRetrieveObjectByUrlW(argv[1], CONTEXT_OID_CRL, CRYPT_WIRE_ONLY_RETRIEVAL, 15000, &object, NULL, NULL, NULL, NULL)) {
        fwprintf(stderr, L"fetch-crl: %ls: error %08lx\n", argv[1], GetLastError());
        return 1;
    }
    CertFreeCRLContext((PCCRL_CONTEXT)object);
    wprintf(L"fetched %ls\n", argv[1]);
    return 0;
}
