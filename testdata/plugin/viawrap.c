/* A C program with one Go c-shared library directly and one through libwrap.so. */
extern int Add(int, int);
extern int wrapmul(int);

int main(void)
{
	return Add(1, wrapmul(2)) == 5 ? 0 : 1;
}
