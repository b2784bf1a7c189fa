/* A test shared library (no Python), built several times by tests/packages/dynlib-wheels.mjs:
 * NAME(n) is n + ADD, or DEP(n) + ADD when built against another such library (-DDEP=function). */
#ifdef DEP
int DEP(int);
#endif
int NAME(int);

int
NAME(int n)
{
#ifdef DEP
    n = DEP(n);
#endif
    return n + ADD;
}
