set terminal png size 900,500
set output 'throughput.png'
set title "novalidate-P1: receiver throughput" noenhanced
set xlabel 'time (s)'
set ylabel 'Gb/s'
set yrange [0:*]
set grid
set key bottom right
plot 'throughput.dat' index 0 with linespoints lw 2 title 'ncdevmem'
