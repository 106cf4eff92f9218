/* SPDX-License-Identifier: MIT */
/* The CUDA provider's validation queue (gpu_vq.c): a stream per flow. */
#ifndef NCD_GPU_VQ_H
#define NCD_GPU_VQ_H

struct ncd_vq;
struct ncd_vq_batch;
int ncd_cuda_vq_open(struct ncd_vq *q);
int ncd_cuda_vq_submit(struct ncd_vq *q, struct ncd_vq_batch *b);
int ncd_cuda_vq_poll(struct ncd_vq *q, struct ncd_vq_batch *b, int wait);
void *ncd_cuda_vq_stage(struct ncd_vq *q, struct ncd_vq_batch *b, size_t *cap);
void ncd_cuda_vq_close(struct ncd_vq *q);

#endif
