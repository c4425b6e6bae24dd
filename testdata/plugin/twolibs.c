/* A C program linked against two Go c-shared libraries: two Go runtimes in one process. */
extern int Add(int, int);
extern int Mul(int, int);

int main(void)
{
	return Add(1, 2) + Mul(2, 3) == 9 ? 0 : 1;
}
