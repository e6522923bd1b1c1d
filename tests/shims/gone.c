/*
 * gone.c - libfixture_gone.so, the library the fixture bad_needslib is
 * linked against and then cannot find (tests/plugins/bad_needslib.c).
 */
int pt_fixture_gone(void);

int pt_fixture_gone(void)
{
    return 0;
}
