/*
 * A shared object that is not a precompiled module: it has no
 * waot_compiled_module symbol.  The loader must refuse it.
 */
int fake_not_a_module(int x);

int fake_not_a_module(int x)
{
    return x + 1;
}
