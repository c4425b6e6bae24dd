/* A C library that needs a Go c-shared library (libgomul.so). */
extern int Mul(int, int);
int wrapmul(int a) { return Mul(a, a); }
